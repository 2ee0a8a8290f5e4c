// burrow dashboard: plain DOM, no build step. Everything shown goes through textContent, never innerHTML.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem('burrow.token');

  async function api(method, path, body) {
    const opts = { method, headers: { Authorization: 'Bearer ' + token } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const res = await fetch('/api/accounts/me' + path, opts);
    if (res.status === 204) return null;
    const json = await res.json();
    if (!res.ok) {
      const err = new Error(json.error_code + ': ' + json.msg);
      err.status = res.status;
      throw err;
    }
    return json;
  }

  function status(text, isError) {
    const s = $('status');
    s.textContent = text;
    s.className = isError ? 'error' : '';
  }

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    row.appendChild(td);
    return td;
  }

  function removeButton(row, label, onClick) {
    const td = document.createElement('td');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.className = 'remove';
    b.addEventListener('click', onClick);
    td.appendChild(b);
    row.appendChild(td);
  }

  function fill(tbodyId, items, render) {
    const tbody = $(tbodyId);
    tbody.replaceChildren();
    for (const item of items) {
      const tr = document.createElement('tr');
      tr.dataset.id = item.id;
      render(tr, item);
      tbody.appendChild(tr);
    }
  }

  async function refresh() {
    const [account, tokens, domains, addresses, whitelist] = await Promise.all([
      api('GET', ''), api('GET', '/tokens'), api('GET', '/domains'), api('GET', '/addresses'), api('GET', '/whitelist')]);
    $('account-name').textContent = account.name;
    $('account-id').textContent = account.id;
    fill('tokens', tokens.tokens, (tr, t) => {
      cell(tr, t.id); cell(tr, t.description); cell(tr, t.created_at); cell(tr, t.revoked ? 'revoked' : 'active');
      if (t.revoked) cell(tr, ''); else removeButton(tr, 'Revoke', () => act('DELETE', '/tokens/' + encodeURIComponent(t.id)));
    });
    fill('domains', domains.domains, (tr, d) => {
      cell(tr, d.hostname); cell(tr, d.region); cell(tr, d.cname_target || '');
      removeButton(tr, 'Release', () => act('DELETE', '/domains/' + encodeURIComponent(d.id)));
    });
    fill('addresses', addresses.addresses, (tr, a) => {
      cell(tr, a.addr); cell(tr, a.region);
      removeButton(tr, 'Release', () => act('DELETE', '/addresses/' + encodeURIComponent(a.id)));
    });
    fill('whitelist', whitelist.whitelist, (tr, w) => {
      cell(tr, w.ip_net); cell(tr, w.description);
      removeButton(tr, 'Remove', () => act('DELETE', '/whitelist/' + encodeURIComponent(w.id)));
    });
  }

  async function act(method, path, body) {
    try {
      const result = await api(method, path, body);
      await refresh();
      status('saved', false);
      return result;
    } catch (e) {
      status(e.message, true);
      if (e.status === 401) logout();
      return null;
    }
  }

  function showLoggedIn(on) {
    $('login-view').hidden = on;
    $('account-view').hidden = !on;
  }

  function logout() {
    token = null;
    sessionStorage.removeItem('burrow.token');
    showLoggedIn(false);
  }

  async function login(t) {
    token = t;
    try {
      await refresh();
      sessionStorage.setItem('burrow.token', t);
      showLoggedIn(true);
      status('logged in', false);
    } catch (e) {
      token = null;
      showLoggedIn(false);
      alertLogin(e.message);
    }
  }

  function alertLogin(text) {
    let p = $('login-error');
    if (!p) {
      p = document.createElement('p');
      p.id = 'login-error';
      p.className = 'error';
      $('login-view').appendChild(p);
    }
    p.textContent = text;
  }

  $('login-form').addEventListener('submit', (e) => { e.preventDefault(); login($('login-token').value.trim()); });
  $('logout-button').addEventListener('click', logout);
  $('token-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const t = await act('POST', '/tokens', { description: $('token-description').value });
    if (t) { $('new-token-value').textContent = t.token; $('new-token').hidden = false; }
  });
  $('domain-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {};
    body[$('domain-kind').value] = $('domain-name').value;
    if ($('domain-region').value) body.region = $('domain-region').value;
    act('POST', '/domains', body);
  });
  $('address-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {};
    if ($('address-region').value) body.region = $('address-region').value;
    act('POST', '/addresses', body);
  });
  $('whitelist-form').addEventListener('submit', (e) => {
    e.preventDefault();
    act('POST', '/whitelist', { ip_net: $('whitelist-cidr').value, description: $('whitelist-description').value });
  });

  if (token) login(token); else showLoggedIn(false);
})();

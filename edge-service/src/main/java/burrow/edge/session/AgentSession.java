package burrow.edge.session;

import burrow.edge.admit.Authenticator;
import burrow.edge.route.Binding;
import burrow.edge.route.RouteTable;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.mux.MuxErrorCode;
import burrow.mux.MuxSession;
import burrow.mux.MuxStream;
import burrow.proto.ControlChannel;
import burrow.proto.ControlMessage;
import burrow.proto.ControlMessage.Bind;
import burrow.proto.ControlMessage.BindResult;
import burrow.proto.ControlMessage.ErrorReply;
import burrow.proto.ControlMessage.Unbind;
import burrow.proto.ControlMessage.UnbindResult;
import burrow.proto.TunnelSpec;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated agent on this node: its mux session, its control channel and the hosts it has bound. Lives on
 * the context of its control connection.
 */
public final class AgentSession {
  private static final Logger log = LoggerFactory.getLogger(AgentSession.class);

  private final String id;
  private final String clientId;
  private final String account;
  private final MuxSession mux;
  private final ControlChannel control;
  private final RouteTable routes;
  private final UrlFormatter urls;
  private final Authenticator policy;
  private final String region;
  private final Map<String, List<Binding>> tunnels = new LinkedHashMap<>();
  private final Map<String, TunnelBinder> binders;
  /** Tunnels bound through a {@link TunnelBinder} (tcp, tls): how to release each; a no-op while the bind is pending. */
  private final Map<String, TunnelBinder.Release> otherTunnels = new LinkedHashMap<>();

  /** Formats the public URLs of a host for this node. */
  public interface UrlFormatter {
    List<String> urls(String host, TunnelSpec spec);
  }

  public AgentSession(String id, String clientId, String account, MuxSession mux, ControlChannel control,
                      RouteTable routes, UrlFormatter urls) {
    this(id, clientId, account, mux, control, routes, urls, Authenticator.acceptAll(), "us", Map.of());
  }

  /**
   * @param policy  asked before a name or address is bound (reservations) and by the frontends (whitelist)
   * @param binders binders for protocols other than http, by proto ({@code tcp}, {@code tls})
   */
  public AgentSession(String id, String clientId, String account, MuxSession mux, ControlChannel control,
                      RouteTable routes, UrlFormatter urls, Authenticator policy, String region,
                      Map<String, TunnelBinder> binders) {
    this.policy = policy;
    this.region = region;
    this.binders = binders;
    this.id = id;
    this.clientId = clientId;
    this.account = account;
    this.mux = mux;
    this.control = control;
    this.routes = routes;
    this.urls = urls;
  }

  public String id() {
    return id;
  }

  public String clientId() {
    return clientId;
  }

  public String account() {
    return account;
  }

  public MuxSession mux() {
    return mux;
  }

  /** @return whether this account's IP whitelist lets {@code ip} reach its tunnels (a local snapshot; no I/O) */
  public boolean allows(String ip) {
    return policy.allows(account, ip);
  }

  /** Opens a data stream to the agent for one public request or connection. */
  public Future<MuxStream> openStream() {
    return mux.open();
  }

  /** Starts serving control messages. Call on the session's context. */
  public void start() {
    control.messageHandler(this::onMessage);
    control.errorHandler(err -> {
      log.atWarn().addKeyValue("code", err.code().code()).addKeyValue("session", id)
          .addKeyValue("reason", err.getMessage()).log("bad control message");
      control.send(ErrorReply.of(err));
      if (err.code() == ErrorCode.PROTOCOL_ERROR) {
        mux.goAway(MuxErrorCode.PROTOCOL_ERROR);
        mux.close();
      }
    });
    mux.closeHandler(err -> onClosed());
  }

  private void onMessage(ControlMessage msg) {
    if (msg instanceof Bind bind) {
      onBind(bind);
    } else if (msg instanceof Unbind unbind) {
      release(unbind.tunnelId(), false);
      control.send(new UnbindResult(unbind.reqId(), unbind.tunnelId(), null));
    } else if (msg instanceof ErrorReply err) {
      log.atInfo().addKeyValue("session", id).addKeyValue("code", err.code()).log("agent reported an error");
    } else {
      control.send(new ErrorReply(ErrorCode.UNKNOWN_MESSAGE.code(), "unexpected message " + msg.getClass().getSimpleName()));
    }
  }

  private void onBind(Bind bind) {
    TunnelSpec spec = bind.tunnel();
    TunnelBinder binder = binders.get(spec.proto());
    if (binder != null) {
      bindOther(bind, binder);
      return;
    }
    Future<String> checked;
    try {
      if (!"http".equals(spec.proto())) {
        throw new BurrowException(ErrorCode.BAD_BIND, "protocol \"" + spec.proto() + "\" is not served by this edge");
      }
      if (tunnels.containsKey(spec.id()) || otherTunnels.containsKey(spec.id())) {
        throw new BurrowException(ErrorCode.BAD_BIND, "tunnel \"" + spec.id() + "\" is already bound in this session");
      }
      // A name asked for by name is checked against reservations before it is claimed, so no request is ever
      // routed to a name the account may not have. Random names are not reservable words in practice.
      String requested = routes.requestedHost(spec);
      checked = requested == null ? Future.succeededFuture(null)
          : policy.checkHostname(account, region, requested).map(requested);
    } catch (BurrowException e) {
      checked = Future.failedFuture(e);
    }
    checked.map(v -> routes.claim(this, spec)).compose(routes::publish).map(b -> {
      tunnels.put(spec.id(), List.of(b));
      return b;
    }).onSuccess(b -> {
      List<String> u = urls.urls(b.host(), spec);
      log.atInfo().addKeyValue("session", id).addKeyValue("tunnel", spec.id()).addKeyValue("url", String.join(",", u))
          .log("tunnel bound");
      control.send(new BindResult(bind.reqId(), spec.id(), u, null));
    }).onFailure(err -> {
      BurrowException e = BurrowException.of(err, ErrorCode.BAD_BIND);
      log.atInfo().addKeyValue("session", id).addKeyValue("tunnel", spec.id()).addKeyValue("code", e.code().code())
          .log("bind refused");
      control.send(new BindResult(bind.reqId(), spec.id(), null, ErrorReply.of(e)));
    });
  }

  private void bindOther(Bind bind, TunnelBinder binder) {
    TunnelSpec spec = bind.tunnel();
    if (tunnels.containsKey(spec.id()) || otherTunnels.containsKey(spec.id())) {
      refuse(bind, new BurrowException(ErrorCode.BAD_BIND, "tunnel \"" + spec.id() + "\" is already bound in this session"));
      return;
    }
    TunnelBinder.Release pending = ended -> { };
    otherTunnels.put(spec.id(), pending);
    // Reservations first: a tls name or a tcp address another account (or region) holds is never bound.
    Future<Void> reserved;
    try {
      String host = "tls".equals(spec.proto()) ? routes.requestedHost(spec) : null;
      reserved = host != null ? policy.checkHostname(account, region, host)
          : "tcp".equals(spec.proto()) && spec.remoteAddr() != null && !spec.remoteAddr().isBlank()
              ? policy.checkTcpAddress(account, region, spec.remoteAddr()) : Future.succeededFuture();
    } catch (BurrowException e) {
      reserved = Future.failedFuture(e);
    }
    reserved.compose(v -> binder.bind(this, spec)).onComplete(ar -> {
      if (ar.failed()) {
        otherTunnels.remove(spec.id(), pending);
        refuse(bind, BurrowException.of(ar.cause(), ErrorCode.BAD_BIND));
        return;
      }
      TunnelBinder.Bound b = ar.result();
      if (mux.isClosed() || otherTunnels.get(spec.id()) != pending) {
        b.release().release(true);               // the session ended, or the agent unbound it, while we bound
        return;
      }
      otherTunnels.put(spec.id(), b.release());
      log.atInfo().addKeyValue("session", id).addKeyValue("tunnel", spec.id())
          .addKeyValue("url", String.join(",", b.urls())).log("tunnel bound");
      control.send(new BindResult(bind.reqId(), spec.id(), b.urls(), null));
    });
  }

  private void refuse(Bind bind, BurrowException e) {
    log.atInfo().addKeyValue("session", id).addKeyValue("tunnel", bind.tunnel().id())
        .addKeyValue("code", e.code().code()).log("bind refused");
    control.send(new BindResult(bind.reqId(), bind.tunnel().id(), null, ErrorReply.of(e)));
  }

  private void release(String tunnelId, boolean sessionEnded) {
    TunnelBinder.Release other = otherTunnels.remove(tunnelId);
    if (other != null) {
      other.release(sessionEnded);
    }
    List<Binding> bs = tunnels.remove(tunnelId);
    if (bs != null) {
      for (Binding b : bs) {
        routes.release(this, b.host(), sessionEnded);
      }
    }
  }

  private void onClosed() {
    for (String t : new ArrayList<>(tunnels.keySet())) {
      release(t, true);
    }
    for (String t : new ArrayList<>(otherTunnels.keySet())) {
      release(t, true);
    }
    log.atInfo().addKeyValue("session", id).log("agent session closed");
  }
}

// yamux-js on the other end of burrow's mux, for YamuxJsInteropTest.
//   node interop.js server              listens on 127.0.0.1:0, prints "PORT <n>", echoes every stream
//   node interop.js client <port> <n>   opens n streams, checks each echo, prints "OK" (exit 0) or why not
// yamux-js 0.2.0 quirks worked around here and in the test: it never ends a stream on FIN (so echoes are
// checked by length), and it drops the payload of a DATA frame that carries SYN (so the Java side opens with
// an empty write).
'use strict';
const net = require('net');
const {Client, Server} = require('yamux-js');

const config = {enableKeepAlive: false, logger: () => {}};
const mode = process.argv[2];
process.stdin.on('end', () => process.exit(0)); // the test closes our stdin to stop us
process.stdin.resume();

if (mode === 'server') {
  const srv = net.createServer((sock) => {
    const mux = new Server((stream) => {
      stream.on('data', (d) => stream.write(d));
      stream.on('error', () => {});
    }, config);
    mux.on('error', (e) => console.log('ERR ' + e.message));
    sock.on('error', () => {});
    sock.pipe(mux).pipe(sock);
  });
  srv.listen(0, '127.0.0.1', () => console.log('PORT ' + srv.address().port));
} else if (mode === 'client') {
  const port = Number(process.argv[3]);
  const n = Number(process.argv[4]);
  const sock = net.connect(port, '127.0.0.1');
  const mux = new Client(config);
  mux.on('error', (e) => { console.log('ERR ' + e.message); process.exit(1); });
  sock.pipe(mux).pipe(sock);
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const msg = Buffer.from(`stream ${i} from node ` + 'x'.repeat(i * 97));
    const stream = mux.open();
    const got = [];
    let len = 0;
    stream.on('data', (d) => {
      got.push(d);
      len += d.length;
      if (len < msg.length) return;
      if (len === msg.length && Buffer.concat(got).equals(msg)) {
        if (++ok === n) { console.log('OK'); process.exit(0); }
      } else {
        console.log(`MISMATCH on stream ${i}: ${len} bytes`);
        process.exit(1);
      }
    });
    stream.write(msg);
  }
  setTimeout(() => { console.log(`TIMEOUT after ${ok} of ${n}`); process.exit(2); }, 10000);
} else {
  console.log('usage: node interop.js server | client <port> <n>');
  process.exit(64);
}

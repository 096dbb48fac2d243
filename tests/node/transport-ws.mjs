// Drives the gateway's /graphql/ws with graphql-ws, the reference client of the
// graphql-transport-ws protocol. Prints one JSON line per observation; the Rust test
// (tests/it/live_node.rs) reads them and acts in between (casting a vote).
//
//   node transport-ws.mjs <ws url> <access token> <poll id>
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, pollId] = process.argv.slice(2);
const out = (value) => process.stdout.write(JSON.stringify(value) + '\n');
const TALLY = 'subscription($p: ID!) { voteTally(pollId: $p) { total results { votes } } }';
const client = (authorization) =>
  createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: authorization },
    retryAttempts: 0,
    lazy: true,
  });

// 1. Subscribe; report each tally; complete from the client once a vote was seen.
const good = client(`Bearer ${token}`);
await new Promise((resolve, reject) => {
  const unsubscribe = good.subscribe(
    { query: TALLY, variables: { p: pollId } },
    {
      next: ({ data, errors }) => {
        if (errors) return reject(new Error(JSON.stringify(errors)));
        out({ tally: data.voteTally });
        if (data.voteTally.total >= 1) {
          unsubscribe();
          resolve();
        }
      },
      error: reject,
      complete: resolve,
    },
  );
});
out({ completed: true });

// 2. A query over the same protocol.
const me = await new Promise((resolve, reject) => {
  let result;
  good.subscribe({ query: '{ me { role } }' }, {
    next: (value) => { result = value; },
    error: reject,
    complete: () => resolve(result),
  });
});
out({ me: me.data.me.role });
await good.dispose();

// 3. A bad token: the server closes with 4403.
const bad = client('Bearer not-a-token');
const closed = await new Promise((resolve) => {
  bad.subscribe({ query: TALLY, variables: { p: pollId } }, {
    next: () => resolve('unexpected data'),
    error: (event) => resolve(event?.code ?? String(event)),
    complete: () => resolve('unexpected complete'),
  });
});
out({ badAuthClose: closed });
await bad.dispose();
out({ done: true });
process.exit(0);

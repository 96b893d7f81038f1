// Baseline of P5: raw @node-rs/argon2 verify with Portico's parameters (argon2id, m=19 MiB, t=2,
// p=1), `CONCURRENCY` verifications in flight for `SECONDS`; prints {"perSecond": n}.
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };
const concurrency = Number(process.env.CONCURRENCY ?? 4);
const seconds = Number(process.env.SECONDS ?? 3);
const phc = await hash('Bench-Pass-123', OPTIONS);
let done = 0;
const end = performance.now() + seconds * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      if (!(await verify(phc, 'Bench-Pass-123'))) throw new Error('verify failed');
      done++;
    }
  }),
);
process.stdout.write(`${JSON.stringify({ perSecond: done / ((performance.now() - started) / 1000) })}\n`);

// Baseline of P4 and P6: bare Fastify (same version as Portico) answering constant JSON, no database,
// no authentication. `PORT` on 127.0.0.1.
import Fastify from 'fastify';

const user = {
  '@odata.context': 'http://127.0.0.1/v1.0/$metadata#users/$entity',
  id: '01a250b9-14e7-76e6-a5a4-9716249255d2',
  displayName: 'Adams Adele 000000',
  givenName: 'Adele',
  surname: 'Adams',
  mail: 'user0@portico.local',
  userPrincipalName: 'user0@portico.local',
  userType: 'Member',
  accountEnabled: true,
};
const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.get('/v1.0/users/:id', async () => user);
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));

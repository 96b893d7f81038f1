import react from '@vitejs/plugin-react';
import type { ViteUserConfig as UserConfig } from 'vitest/config';
// @ts-expect-error plain ESM helper shared with scripts/test.mjs
import { loudSkipNotice, postgresReachable, testDatabaseUrl } from './scripts/pg-probe.mjs';

export default async (): Promise<UserConfig> => {
  const url: string = testDatabaseUrl();
  const pgUp: boolean = await postgresReachable(url);
  if (!pgUp) {
    if (process.env.PORTICO_REQUIRE_POSTGRES === '1') {
      throw new Error(`PORTICO_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable at ${url}`);
    }
    console.warn(loudSkipNotice(url));
  }
  const integration = (name: 'sqlite' | 'postgres') => ({
    extends: true as const,
    test: {
      name,
      include: ['test/integration/**/*.test.ts'],
      env: { PORTICO_TEST_DB: name, PORTICO_TEST_DATABASE_URL: url },
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
  return {
    test: {
      pool: 'forks' as const,
      projects: [
        // Unit tests are quick alone; the timeout is for a machine busy with other work.
        { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
        // The SPA's component and logic tests, in jsdom (src/web).
        {
          extends: true,
          plugins: [react()],
          test: {
            name: 'web',
            environment: 'jsdom',
            include: ['src/web/**/*.test.{ts,tsx}'],
            setupFiles: ['src/web/test-setup.ts'],
            testTimeout: 20_000,
          },
        },
        integration('sqlite'),
        ...(pgUp ? [integration('postgres')] : []),
      ],
    },
  };
};

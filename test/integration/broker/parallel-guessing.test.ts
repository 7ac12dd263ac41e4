// Sign-in limits hold when guesses arrive all at once, count an IPv6 client by its /64, and slow a named
// user's guessers down without locking the user out. Real HTTP against the broker on real SQLite; the
// broker's clock is a fixed instant the test moves, so that delays are steps, not waits.
import { afterEach, describe, expect, it } from 'vitest';
import { post, signIn, startHarness, type Harness } from './harness.js';

const GUESSES = 12;

describe('sign-in limits under parallel guessing', () => {
  let h: Harness | undefined;
  let now = new Date();
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const start = async (overrides: Parameters<typeof startHarness>[0] = {}) => {
    now = new Date();
    h = await startHarness({
      now: () => now,
      rateLimit: { maxFailuresPerUsername: 5, maxFailuresPerAddress: 8, windowSeconds: 60, maxDelaySeconds: 300 },
      ...overrides,
    });
    return h;
  };
  const statuses = async (responses: Promise<Response>[]) => (await Promise.all(responses)).map((r) => r.status).sort();

  it('lets only 5 of 12 simultaneous wrong guesses for one user reach the password check', async () => {
    const { url, addUser } = await start();
    await addUser('victim', 'victim-password');
    const answers = await statuses(Array.from({ length: GUESSES }, (_, i) => signIn(url, 'victim', `guess-${i}`)));
    expect(answers.filter((s) => s === 401)).toHaveLength(5);
    expect(answers.filter((s) => s === 429)).toHaveLength(GUESSES - 5);
  });

  it('lets only 8 of 12 simultaneous guesses from one address reach the check, whatever the usernames', async () => {
    const { url } = await start();
    const answers = await statuses(Array.from({ length: GUESSES }, (_, i) => signIn(url, `user-${i}`, 'nope')));
    expect(answers.filter((s) => s === 401)).toHaveLength(8);
    expect(answers.filter((s) => s === 429)).toHaveLength(GUESSES - 8);
  });

  it('counts every address of an IPv6 /64 as one client', async () => {
    const { url } = await start({ trustProxy: true });
    const from = (host: number) => ({ 'x-forwarded-for': `2001:db8:aa:bb::${host.toString(16)}` });
    for (let i = 0; i < 8; i++)
      expect((await post(`${url}/v1/sessions`, { username: `u${i}`, password: 'x' }, from(i + 1))).status).toBe(401);
    expect((await post(`${url}/v1/sessions`, { username: 'u9', password: 'x' }, from(0xffff))).status).toBe(429);
    // The next /64 is another client.
    expect(
      (await post(`${url}/v1/sessions`, { username: 'u9', password: 'x' }, { 'x-forwarded-for': '2001:db8:aa:bc::1' }))
        .status,
    ).toBe(401);
  });

  it('slows guessing for a user with a growing delay, but never locks the user out', async () => {
    const { url, addUser } = await start({ trustProxy: true });
    await addUser('owner', 'owner-password');
    // Five guesses from five different places.
    for (let i = 0; i < 5; i++)
      expect(
        (
          await post(
            `${url}/v1/sessions`,
            { username: 'owner', password: `g${i}` },
            { 'x-forwarded-for': `198.51.100.${i}` },
          )
        ).status,
      ).toBe(401);
    const limited = await signIn(url, 'owner', 'another-guess');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    now = new Date(now.getTime() + 1000);
    expect((await signIn(url, 'owner', 'sixth-guess')).status).toBe(401);
    const longer = await signIn(url, 'owner', 'seventh-guess');
    expect(longer.status).toBe(429);
    expect(longer.headers.get('retry-after')).toBe('2');
    // The owner, after the delay (seconds, not a lock-out), signs in; that clears the user's failures.
    now = new Date(now.getTime() + 2000);
    expect((await signIn(url, 'owner', 'owner-password')).status).toBe(201);
    expect((await signIn(url, 'owner', 'wrong-again')).status).toBe(401);
  });
});

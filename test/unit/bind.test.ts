import { describe, expect, it } from 'vitest';
import { bindMethods } from '../../src/server/platform/bind.js';

class Counter {
  private n = 0;
  increment(by = 1): number {
    this.n += by;
    return this.n;
  }
}
class Doubler extends Counter {
  twice(): number {
    return this.increment(2);
  }
}

describe('bindMethods', () => {
  it('keeps `this` for methods passed as plain functions, inherited ones included', () => {
    const c = bindMethods(new Doubler());
    const { increment, twice } = c;
    expect(increment()).toBe(1);
    expect(twice()).toBe(3);
  });

  it('without it, a detached method loses its instance (what the composition root guards against)', () => {
    const { increment } = new Counter();
    expect(() => increment()).toThrow(TypeError);
  });
});

/**
 * Binds every method of a service instance to it, in place, so that a method passed as a function
 * (`{ findByAppId: applications.findByAppId }`) keeps its `this`. The composition root applies it
 * to every service it builds: adapters receive plain functions without caring how they are made.
 */
export function bindMethods<T extends object>(instance: T): T {
  for (let proto = Object.getPrototypeOf(instance); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || Object.hasOwn(instance, name)) continue;
      const value = (instance as Record<string, unknown>)[name];
      if (typeof value === 'function') {
        Object.defineProperty(instance, name, { value: value.bind(instance), configurable: true, writable: true });
      }
    }
  }
  return instance;
}

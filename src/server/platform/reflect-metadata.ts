/**
 * The three `Reflect` metadata functions that @peculiar/x509 (through tsyringe) needs at import
 * time. Installed only when no polyfill (reflect-metadata, core-js) is present; this module must
 * be imported before '@peculiar/x509'. The x509 code stores and reads its own injection tokens
 * only, so a per-object map is all it takes.
 */
type MetadataReflect = typeof Reflect & {
  getMetadata?: (key: unknown, target: object) => unknown;
  getOwnMetadata?: (key: unknown, target: object) => unknown;
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
};

const R = Reflect as MetadataReflect;
if (typeof R.getMetadata !== 'function') {
  const store = new WeakMap<object, Map<unknown, unknown>>();
  R.defineMetadata = (key, value, target) => {
    let m = store.get(target);
    if (!m) {
      m = new Map();
      store.set(target, m);
    }
    m.set(key, value);
  };
  R.getOwnMetadata = (key, target) => store.get(target)?.get(key);
  R.getMetadata = (key, target) => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
      const v = store.get(o)?.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

export {};

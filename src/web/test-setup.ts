// Setup of the `web` vitest project (jsdom). vitest globals are off, so testing-library's automatic
// cleanup is not registered: do it here. Mantine needs matchMedia and ResizeObserver, which jsdom lacks.
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { session } from './auth/session';

// The admin pages load as a lazy chunk: give findBy* queries room on a busy 2-core machine.
configure({ asyncUtilTimeout: 5000 });

// Every test starts signed out, with the real fetch (tests stub it with fakeApi or vi.stubGlobal).
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  session.set(undefined);
  window.sessionStorage.clear();
});

if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }),
  });
}

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
if (!('ResizeObserver' in window)) Object.defineProperty(window, 'ResizeObserver', { writable: true, value: ResizeObserverStub });
if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => {};
// Mantine's autosizing Textarea listens to document.fonts, which jsdom lacks.
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', {
    configurable: true,
    value: { addEventListener: () => {}, removeEventListener: () => {}, ready: Promise.resolve() },
  });
}

// The page shell and escaping live in platform/html.ts (shared by every HTML surface).
export { esc, page } from '../../platform/html.js';

import { useState } from 'react';
import { initialOf } from './myAppsFilter';

/** The app's logo, or its initial when it has none (or the logo cannot be loaded). */
export function AppLogo({ app }: { app: { displayName: string; logoUrl: string | null } }) {
  const [failed, setFailed] = useState(false);
  if (app.logoUrl && !failed) {
    return <img src={app.logoUrl} alt="" width={36} height={36} style={{ borderRadius: 8 }} onError={() => setFailed(true)} />;
  }
  return (
    <svg width="36" height="36" viewBox="0 0 36 36" aria-hidden="true" focusable="false">
      <rect width="36" height="36" rx="8" fill="#1c6fd1" />
      <text x="18" y="24" textAnchor="middle" fontSize="18" fontWeight="600" fill="#fff">
        {initialOf(app.displayName)}
      </text>
    </svg>
  );
}

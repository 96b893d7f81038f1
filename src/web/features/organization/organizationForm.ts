export interface OrganizationValues {
  displayName: string;
  statementUrl: string;
  contactEmail: string;
  technicalContact: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export function validateOrganization(v: OrganizationValues): Partial<Record<keyof OrganizationValues, string>> {
  const e: Partial<Record<keyof OrganizationValues, string>> = {};
  if (!v.displayName.trim()) e.displayName = 'Enter the name of your organization.';
  else if (v.displayName.trim().length > 256) e.displayName = 'Use at most 256 characters.';
  if (v.statementUrl.trim() && !isHttpUrl(v.statementUrl.trim())) e.statementUrl = 'Enter a full address starting with https://';
  if (v.contactEmail.trim() && !EMAIL.test(v.contactEmail.trim()))
    e.contactEmail = 'Enter an e-mail address such as privacy@contoso.com.';
  if (v.technicalContact.trim() && !EMAIL.test(v.technicalContact.trim()))
    e.technicalContact = 'Enter an e-mail address such as it@contoso.com.';
  return e;
}

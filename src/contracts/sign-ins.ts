/** Graph's `signIn` (auditLogs/signIns), the properties Portico records. */
export interface SignIn {
  id: string;
  createdDateTime: string;
  userDisplayName: string | null;
  userPrincipalName: string | null;
  userId: string | null;
  appId: string | null;
  appDisplayName: string | null;
  ipAddress: string | null;
  clientAppUsed: string;
  correlationId: string | null;
  isInteractive: boolean;
  conditionalAccessStatus: 'notApplied';
  riskDetail: 'none';
  riskLevelAggregated: 'none';
  riskLevelDuringSignIn: 'none';
  riskState: 'none';
  riskEventTypes_v2: string[];
  resourceDisplayName: string | null;
  resourceId: string | null;
  status: { errorCode: number; failureReason: string | null; additionalDetails: string | null };
  deviceDetail: { browser: string | null; operatingSystem: string | null; deviceId: string; displayName: string | null };
  location: { city: string | null; state: string | null; countryOrRegion: string | null };
  appliedConditionalAccessPolicies: unknown[];
}

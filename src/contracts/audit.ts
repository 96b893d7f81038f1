/** The directory audit log (`GET /auditLogs/directoryAudits`): Graph's `directoryAudit` resource. */

export interface ModifiedProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface TargetResource {
  id: string;
  displayName: string | null;
  type: 'User' | 'Group' | 'ServicePrincipal' | 'Application' | 'Policy' | 'Role' | 'Other';
  userPrincipalName?: string | null;
  groupType?: string | null;
  modifiedProperties: ModifiedProperty[];
}

export interface InitiatedBy {
  user: { id: string; displayName: string | null; userPrincipalName: string | null; ipAddress: string | null } | null;
  app: {
    appId: string | null;
    displayName: string | null;
    servicePrincipalId: string | null;
    servicePrincipalName: string | null;
  } | null;
}

export interface DirectoryAudit {
  id: string;
  activityDateTime: string;
  activityDisplayName: string;
  category: string;
  correlationId: string;
  loggedByService: string;
  operationType: string;
  result: 'success' | 'failure' | 'timeout' | 'unknownFutureValue';
  resultReason: string;
  initiatedBy: InitiatedBy;
  targetResources: TargetResource[];
  additionalDetails: { key: string; value: string }[];
}

import { type AppAccessRequest, graph } from '../../api/graph';
import { RequestDialog, type RequestedProps } from './RequestsUi';
import { REQUEST_LIMITS } from './requestLogic';

/** The application a request is about (from the catalogue, or looked up by the link's appId). */
export interface AppToRequest {
  id: string;
  displayName: string;
  requireApproval: boolean;
}

/**
 * "Request access" with a business justification. Without approval the app is granted at once;
 * otherwise the approvers are asked. The server's refusal (already have access, a pending request,
 * requests turned off…) stays in the dialog.
 */
export function RequestAppDialog({ app, ...props }: { app: AppToRequest | undefined } & RequestedProps<AppAccessRequest>) {
  return (
    <RequestDialog
      target={app}
      title={(a) => `Request access to ${a.displayName}`}
      intro={
        app?.requireApproval
          ? 'An approver of the application decides; you are told by e-mail. You can cancel the request while it waits.'
          : 'You get access at once: the application appears in My Apps.'
      }
      field={{
        label: 'Business justification',
        description: 'Why you need the application.',
        noun: 'a business justification',
        required: true,
        max: REQUEST_LIMITS.justification,
        minRows: 3,
        testId: 'justification',
      }}
      submitLabel="Request"
      send={(a, justification) => graph.requestAppAccess(a.id, justification)}
      {...props}
    />
  );
}

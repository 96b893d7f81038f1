import { Modal, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type AppAccessRequest, graph } from '../../api/graph';
import { useAction } from '../../api/hooks';
import { DialogActions } from '../../components/Forms';
import { REQUEST_LIMITS, textProblem } from './requestLogic';

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
export function RequestAppDialog({
  app,
  onClose,
  onRequested,
}: {
  app: AppToRequest | undefined;
  onClose: () => void;
  onRequested: (r: AppAccessRequest) => void;
}) {
  const [justification, setJustification] = useState('');
  const action = useAction();
  const close = () => {
    setJustification('');
    action.clearError();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!app) return;
    const problem = textProblem(justification, 'a business justification', true, REQUEST_LIMITS.justification);
    if (problem) return action.setError(problem);
    let made: AppAccessRequest | undefined;
    const ok = await action.run(async () => {
      made = await graph.requestAppAccess(app.id, justification.trim());
    });
    if (ok && made) {
      onRequested(made);
      close();
    }
  };
  const title = app ? `Request access to ${app.displayName}` : '';
  return (
    <Modal opened={app !== undefined} onClose={close} title={title} centered>
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack>
          <Text size="sm">
            {app?.requireApproval
              ? 'An approver of the application decides; you are told by e-mail. You can cancel the request while it waits.'
              : 'You get access at once: the application appears in My Apps.'}
          </Text>
          <Textarea
            label="Business justification"
            description="Why you need the application."
            required
            value={justification}
            onChange={(e) => setJustification(e.currentTarget.value)}
            autosize
            minRows={3}
            maxLength={REQUEST_LIMITS.justification}
            data-testid="justification"
          />
          <DialogActions error={action.error} busy={action.busy} submitLabel="Request" onCancel={close} />
        </Stack>
      </form>
    </Modal>
  );
}

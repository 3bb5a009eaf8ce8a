import { Switch } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notify } from '../../shell/notify';
import { bodyOf, draftOf, generatedSecretsOf } from './playbook-draft';
import { contractCall, playbooksKey, type Playbook } from './playbook-queries';

/**
 * The playbook's kill switch: saves it with `enabled` flipped (a new version). Off stops every run
 * before its next step and enrolls nobody; back on enrolls again but does not resume stopped runs.
 */
export function KillSwitch({ playbook, disabled }: { playbook: Playbook; disabled: boolean }) {
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: (enabled: boolean) =>
      contractCall<Playbook>('PUT', `/api/v1/playbooks/${encodeURIComponent(playbook.key)}`, bodyOf({ ...draftOf(playbook), enabled })),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: playbooksKey });
      const secrets = generatedSecretsOf(saved);
      notify({
        color: saved.enabled ? 'teal' : 'orange',
        title: saved.enabled ? `${saved.name} is on` : `${saved.name} is off`,
        message: [
          saved.enabled ? 'People are enrolled again.' : 'Its runs stop before their next step.',
          ...(secrets.length > 0 ? [`New webhook secrets, shown once: ${secrets.join(', ')}`] : []),
        ].join(' '),
      });
    },
    onError: (error) => notify({ color: 'red', title: `${playbook.name} was not switched`, message: error.message }),
  });
  return (
    <Switch
      aria-label={`Enabled: ${playbook.name}`}
      checked={toggle.isPending ? toggle.variables : playbook.enabled}
      disabled={disabled || toggle.isPending}
      onChange={(e) => toggle.mutate(e.currentTarget.checked)}
    />
  );
}

import { Button, Group, List, Text } from '@mantine/core';
import type { Diagnostic as LintDiagnostic } from '@codemirror/lint';
import { suggestedFix } from './rule-language';

/** Line and column (from 1) of an offset, as people count them. */
function position(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * The rule's mistakes under the editor, for everyone who does not hover the underline: where,
 * what, what the code means, and the "did you mean" as a button.
 */
export function RuleProblems({
  id,
  text,
  problems,
  checking,
  onFix,
}: {
  id: string;
  text: string;
  problems: LintDiagnostic[];
  checking: boolean;
  onFix: (text: string) => void;
}) {
  return (
    <div id={id} aria-live="polite" className="rule-problems">
      {checking ? (
        <Text size="sm" c="dimmed">
          Loading the workspace's fields to check the rule…
        </Text>
      ) : problems.length === 0 ? (
        <Text size="sm" c="dimmed">
          {text.trim() === '' ? 'No rule yet.' : 'No mistakes.'}
        </Text>
      ) : (
        <List size="sm" spacing={4} data-testid="rule-problems">
          {problems.map((p) => {
            const at = position(text, p.from);
            const fix = suggestedFix(p.message);
            const quoted = text[p.from] === '"';
            return (
              <List.Item key={`${p.from}-${p.to}-${p.message}`}>
                <Group gap="xs">
                  <Text size="sm" c="red.8" component="span">
                    Line {at.line}, column {at.column}
                    {p.to > p.from ? ` (${text.slice(p.from, p.to)})` : ''}: {p.message}
                  </Text>
                  {fix && (
                    <Button
                      size="compact-xs"
                      variant="light"
                      onClick={() => onFix(text.slice(0, p.from) + (quoted ? `"${fix}"` : fix) + text.slice(p.to))}
                    >
                      Use “{fix}”
                    </Button>
                  )}
                </Group>
              </List.Item>
            );
          })}
        </List>
      )}
    </div>
  );
}

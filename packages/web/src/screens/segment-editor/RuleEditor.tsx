import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { forceLinting, linter, lintKeymap } from '@codemirror/lint';
import { Annotation, EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import type { FieldSchema, RuleTarget } from '@strata/core';
import { useEffect, useRef } from 'react';
import { completeRule, lintRule, type Fields } from './rule-language';

interface Props {
  value: string;
  onChange: (text: string) => void;
  target: RuleTarget;
  fields: Fields | undefined;
  schema: FieldSchema | undefined;
  segmentKey: string | undefined;
  /** Names the editor for screen readers (ids do not cross into its shadow root). */
  label: string;
}

/**
 * CodeMirror injects its styles at run time. In a document it would add a <style> element, which
 * the strict CSP refuses; in a shadow root it adopts constructed style sheets, which the CSP allows.
 * Mantine's CSS variables inherit into the shadow root, so the editor still follows the theme.
 */
const theme = EditorView.theme({
  '&': {
    minHeight: '120px',
    border: '1px solid var(--mantine-color-default-border)',
    borderRadius: 'var(--mantine-radius-sm)',
    background: 'var(--mantine-color-body)',
    color: 'var(--mantine-color-text)',
    fontSize: 'var(--mantine-font-size-sm)',
  },
  '&.cm-focused': { outline: '2px solid var(--mantine-color-blue-8)', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'var(--mantine-font-family-monospace)', minHeight: '118px' },
  '.cm-placeholder': { color: 'var(--mantine-color-dimmed)' },
  '.cm-tooltip': { fontFamily: 'var(--mantine-font-family)', fontSize: 'var(--mantine-font-size-sm)' },
});

/**
 * The rule in CodeMirror 6: core checks it as the user types (mistakes underlined at their spans,
 * message and fix on hover and under the editor), and completes fields, event names, segment keys
 * and operators. Tab leaves the editor (Escape first when completing), so keyboard users are not trapped.
 */
/** Marks a change the page made (a fix, a loaded rule), as opposed to typing. */
const fromPage = Annotation.define<boolean>();

export function RuleEditor({ value, onChange, target, fields, schema, segmentKey, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  // The extensions are built once; what they read changes, so they read it through a ref.
  const current = useRef({ target, fields, schema, segmentKey, onChange });
  current.current = { target, fields, schema, segmentKey, onChange };
  // What the editor told the page, oldest first, until the page hands each back as `value`.
  const echoes = useRef<string[]>([]);

  useEffect(() => {
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const editor = new EditorView({
      root: shadow,
      parent: shadow,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          closeBrackets(),
          EditorView.lineWrapping,
          theme,
          placeholder('plan = "pro" and mrr >= 1000'),
          EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true' }),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
          autocompletion({ override: [(context) => completeRule(context, current.current.target, current.current.fields)] }),
          linter(
            (v) => {
              const { schema: s, target: t, segmentKey: k } = current.current;
              return s ? lintRule(v.state.doc.toString(), t, s, k) : [];
            },
            { delay: 150 },
          ),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            const text = update.state.doc.toString();
            // A value applied from the page (below) is the page's already: no echo to wait for.
            if (!update.transactions.some((t) => t.annotation(fromPage))) echoes.current.push(text);
            current.current.onChange(text);
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // Created once per mount; value changes from outside are applied below.
  }, []);

  // A fix applied from the list under the editor, or a segment loaded after mount. A value the
  // editor itself sent comes back later than the next keystroke on a busy machine: applying that
  // echo would drop what was typed since (seen as a lost first letter), so echoes are passed over.
  useEffect(() => {
    const editor = view.current;
    const echo = echoes.current.indexOf(value);
    if (echo >= 0) {
      echoes.current.splice(0, echo + 1);
      return;
    }
    echoes.current = [];
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value }, annotations: fromPage.of(true) });
  }, [value]);

  // Another target or schema changes what is right: check again at once.
  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [target, schema]);

  return <div ref={host} className="rule-editor" data-testid="rule-editor" />;
}

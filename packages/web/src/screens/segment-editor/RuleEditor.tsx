import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { forceLinting, linter, lintKeymap } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import type { FieldSchema, Target } from '@strata/core';
import { useEffect, useRef } from 'react';
import { completeRule, lintRule, type Fields } from './rule-language';

interface Props {
  value: string;
  onChange: (text: string) => void;
  target: Target;
  fields: Fields | undefined;
  schema: FieldSchema | undefined;
  segmentKey: string | undefined;
  /** Labels the editor for screen readers (the visible label's id). */
  labelledBy: string;
  describedBy: string;
}

/**
 * The rule in CodeMirror 6: core checks it as the user types (mistakes underlined at their spans,
 * message and fix on hover and under the editor), and completes fields, event names, segment keys
 * and operators. Tab leaves the editor (Escape first when completing), so keyboard users are not trapped.
 */
export function RuleEditor({ value, onChange, target, fields, schema, segmentKey, labelledBy, describedBy }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  // The extensions are built once; what they read changes, so they read it through a ref.
  const current = useRef({ target, fields, schema, segmentKey, onChange });
  current.current = { target, fields, schema, segmentKey, onChange };

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          closeBrackets(),
          EditorView.lineWrapping,
          placeholder('plan = "pro" and mrr >= 1000'),
          EditorView.contentAttributes.of({ 'aria-labelledby': labelledBy, 'aria-describedby': describedBy, 'aria-multiline': 'true' }),
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
            if (update.docChanged) current.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // Created once per mount; value changes from outside are applied below.
  }, []);

  // A fix applied from the list under the editor, or a segment loaded after mount.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  // Another target or schema changes what is right: check again at once.
  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [target, schema]);

  return <div ref={host} className="rule-editor" data-testid="rule-editor" />;
}

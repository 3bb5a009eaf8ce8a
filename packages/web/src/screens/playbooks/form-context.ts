import type { FieldSchema } from '@strata/core';
import { createContext, useContext } from 'react';
import type { Fields } from '../segment-editor/rule-language';

/** What every field of the playbook form reads: the workspace's fields for the rules, and its segments for the pickers. */
export interface PlaybookFormData {
  fields: Fields | undefined;
  schema: FieldSchema | undefined;
  segments: Array<{ key: string; name: string; target: string }>;
}

export const PlaybookFormDataContext = createContext<PlaybookFormData>({ fields: undefined, schema: undefined, segments: [] });
export const usePlaybookFormData = () => useContext(PlaybookFormDataContext);

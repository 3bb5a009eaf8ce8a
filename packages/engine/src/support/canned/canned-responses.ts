import { findCannedResponse, listSegments, upsertCannedResponse, type CannedResponseRecord, type WorkspaceScope } from '@strata/storage';
import { checkResponseTemplate } from './response-template.js';

/** A canned response as a user writes it. */
export interface CannedResponseInput {
  key: string;
  title: string;
  /** A Liquid template over `ticket`, `person` and `account`. */
  body: string;
  segments?: string[] | undefined;
  languages?: string[] | undefined;
  tags?: string[] | undefined;
}

/** One thing to fix, named as in the request body; a template's problem carries where it is. */
export interface CannedResponseProblem {
  field: string;
  message: string;
  line?: number;
  column?: number;
}

/** Every problem of a canned response, so the user fixes them all at once; nothing was stored. */
export class CannedResponseInputError extends Error {
  constructor(readonly problems: CannedResponseProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'CannedResponseInputError';
  }
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** An ISO 639-1 code the runtime knows by name ("en", "de"), as ticket language detection answers. */
export function isLanguageCode(code: string): boolean {
  return /^[a-z]{2}$/.test(code) && languageNames.of(code) !== undefined;
}

/** Checks a canned response (template, segments, languages) and creates or replaces it. */
export async function saveCannedResponse(
  scope: WorkspaceScope,
  input: CannedResponseInput,
): Promise<{ response: CannedResponseRecord; created: boolean; before: CannedResponseRecord | undefined }> {
  const problems: CannedResponseProblem[] = [];
  const template = checkResponseTemplate(input.body);
  if (template)
    problems.push({
      field: 'body',
      message: `the template does not parse: ${template.message}${template.line === undefined ? '' : ` (line ${template.line}, column ${template.column})`}`,
      ...(template.line === undefined ? {} : { line: template.line }),
      ...(template.column === undefined ? {} : { column: template.column }),
    });
  if (input.segments && input.segments.length > 0) {
    const known = new Set((await listSegments(scope)).map((s) => s.key));
    input.segments.forEach((key, index) => {
      if (!known.has(key))
        problems.push({ field: `segments[${index}]`, message: `segment ${key} does not exist; GET /api/v1/segments lists the keys` });
    });
  }
  input.languages?.forEach((code, index) => {
    if (!isLanguageCode(code))
      problems.push({
        field: `languages[${index}]`,
        message: `"${code}" is not an ISO 639-1 language code; use two lowercase letters such as en or de`,
      });
  });
  if (problems.length > 0) throw new CannedResponseInputError(problems);
  const before = await findCannedResponse(scope, input.key);
  const saved = await upsertCannedResponse(scope, {
    key: input.key,
    title: input.title,
    body: input.body,
    // An empty list would match no ticket at all; it means "no restriction", as leaving it out does.
    segments: input.segments && input.segments.length > 0 ? [...new Set(input.segments)] : null,
    languages: input.languages && input.languages.length > 0 ? [...new Set(input.languages)] : null,
    tags: [...new Set(input.tags ?? [])],
  });
  return { ...saved, before };
}

import { Liquid, LiquidError, type Template } from 'liquidjs';

/**
 * Canned-response bodies are Liquid templates rendered on the server for a customer, so the
 * engine is locked down: Liquid runs no JavaScript by design, and here it also reads no files
 * (`include`, `render` and `layout` refuse to parse), sees only own properties of the data
 * (no prototype walk), and stops a template that loops or allocates without bound.
 */
const partialTags = ['include', 'render', 'layout'] as const;

function lockedEngine(escapeHtml: boolean): Liquid {
  const engine = new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    ...(escapeHtml ? { outputEscape: 'escape' as const } : {}),
    parseLimit: 100_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
  });
  for (const tag of partialTags)
    engine.registerTag(tag, {
      parse() {
        throw new Error(`{% ${tag} %} is not available: a canned response cannot read other files`);
      },
      render() {
        return '';
      },
    });
  return engine;
}

const plainEngine = lockedEngine(false);
const htmlEngine = lockedEngine(true);

/** Why a template does not parse, with where (1-based), as the parser reports it. */
export interface TemplateProblem {
  message: string;
  line: number | undefined;
  column: number | undefined;
}

function problemOf(error: unknown): TemplateProblem {
  if (error instanceof LiquidError) {
    const [line, column] = error.token.getPosition();
    // liquidjs appends ", line:L, col:C" and the source excerpt to the message; the fields carry them.
    const message = (error.message.split('\n')[0] ?? error.message).replace(/, line:\d+, col:\d+$/, '');
    return { message, line, column };
  }
  return { message: error instanceof Error ? error.message : String(error), line: undefined, column: undefined };
}

/** Parses a template; undefined when it is fine, else the parser's complaint with line and column. */
export function checkResponseTemplate(body: string): TemplateProblem | undefined {
  try {
    plainEngine.parse(body);
    return undefined;
  } catch (error) {
    return problemOf(error);
  }
}

/** A template that parsed but could not be rendered: it hit the time or memory limit. */
export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

/**
 * Renders a template over `data`; missing values render empty. `html` escapes every output
 * (`{{ person.name }}` of `<b>` renders `&lt;b&gt;`), for channels whose replies are HTML.
 */
export async function renderResponseTemplate(body: string, data: Record<string, unknown>, options: { html: boolean }): Promise<string> {
  const engine = options.html ? htmlEngine : plainEngine;
  const templates: Template[] = engine.parse(body);
  try {
    return (await engine.render(templates, data)) as string;
  } catch (error) {
    throw new TemplateRenderError(`the template could not be rendered: ${problemOf(error).message}`);
  }
}

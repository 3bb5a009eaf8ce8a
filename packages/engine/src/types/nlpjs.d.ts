// @nlpjs ships no types; these are the parts Strata calls (CommonJS modules, read as a default export).
declare module '@nlpjs/core' {
  export interface NlpContainer {
    use(plugin: unknown): void;
    get(name: string): unknown;
  }
  const core: { Container: new () => NlpContainer };
  export default core;
}
declare module '@nlpjs/lang-de' {
  const lang: { LangDe: unknown };
  export default lang;
}
declare module '@nlpjs/lang-fr' {
  const lang: { LangFr: unknown };
  export default lang;
}
declare module '@nlpjs/lang-es' {
  const lang: { LangEs: unknown };
  export default lang;
}
declare module '@nlpjs/lang-it' {
  const lang: { LangIt: unknown };
  export default lang;
}
declare module '@nlpjs/lang-pt' {
  const lang: { LangPt: unknown };
  export default lang;
}
declare module '@nlpjs/lang-nl' {
  const lang: { LangNl: unknown };
  export default lang;
}

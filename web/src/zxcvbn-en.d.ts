// The English messages of zxcvbn-ts without its large English word lists (the package has no
// `exports` map, so the file is imported by path; its own .d.ts has no module form for it).
declare module '@zxcvbn-ts/language-en/dist/translations.mjs' {
  import type { TranslationKeys } from '@zxcvbn-ts/core';
  const translations: TranslationKeys;
  export default translations;
}

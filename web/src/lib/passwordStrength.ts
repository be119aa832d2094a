/**
 * Password strength with zxcvbn-ts (dictionaries of common passwords, names and words;
 * keyboard patterns, dates, repeats, l33t). Loaded on demand: the dictionaries are large and
 * only the register, reset and password pages need them.
 */
export interface Strength {
  /** 0 (guessable in seconds) … 4 (very hard to guess). */
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  color: string;
  /** One line of advice, when there is any. */
  suggestion: string | null;
}

export const STRENGTH_LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;
export const STRENGTH_COLORS = ['red', 'orange', 'yellow', 'teal', 'green'] as const;

type Checker = (password: string, userInputs: string[]) => Strength;

let loading: Promise<Checker> | null = null;

export function loadStrengthChecker(): Promise<Checker> {
  loading ??= (async () => {
    // The common dictionaries (leaked passwords, keyboard layouts) and the English messages;
    // the English word lists would add 600 kB gzipped to the register page for little gain.
    const [{ ZxcvbnFactory }, common, { default: translations }] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en/dist/translations.mjs'),
    ]);
    const zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary },
      graphs: common.adjacencyGraphs,
      translations,
    });
    return (password: string, userInputs: string[]) => {
      const r = zxcvbn.check(password, userInputs.filter(Boolean));
      const score = r.score as Strength['score'];
      const suggestion = r.feedback.warning || r.feedback.suggestions[0] || null;
      return { score, label: STRENGTH_LABELS[score], color: STRENGTH_COLORS[score], suggestion };
    };
  })();
  return loading;
}

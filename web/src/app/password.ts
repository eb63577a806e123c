// Password guidance as the server judges passwords (NIST SP 800-63B-4): at least 15 characters, no composition rules,
// not a common one. The hints only help; the server's answer (`password-rejected`) is the judge.

export const MIN_PASSWORD_LENGTH = 15;

export interface PasswordHint {
  ok: boolean;
  text: string;
}

export interface PasswordAdvice {
  /** Long enough to be sent at all. */
  acceptable: boolean;
  /** 0 (too short) … 3 (strong), for a meter. */
  strength: 0 | 1 | 2 | 3;
  label: string;
  hints: PasswordHint[];
}

const OBVIOUS = ["password", "passwort", "coffer", "qwerty", "123456", "letmein", "welcome", "bitcoin", "crypto", "admin", "iloveyou"];

function countChars(value: string): number {
  return Array.from(value).length;
}

/** The longest run of one repeated character or of consecutive codes ("aaaa", "abcd", "4321"). */
export function longestRun(value: string): number {
  const chars = Array.from(value);
  let best = chars.length ? 1 : 0;
  let repeat = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < chars.length; i++) {
    const prev = chars[i - 1]!.codePointAt(0)!;
    const cur = chars[i]!.codePointAt(0)!;
    repeat = cur === prev ? repeat + 1 : 1;
    up = cur === prev + 1 ? up + 1 : 1;
    down = cur === prev - 1 ? down + 1 : 1;
    best = Math.max(best, repeat, up, down);
  }
  return best;
}

export function adviseOnPassword(password: string, username = ""): PasswordAdvice {
  const length = countChars(password);
  const lower = password.toLowerCase();
  const distinct = new Set(Array.from(lower)).size;
  const words = password.trim().split(/[\s\-_.,;]+/).filter((w) => w.length >= 3).length;
  const containsName = username.trim().length >= 3 && lower.includes(username.trim().toLowerCase());
  const obvious = OBVIOUS.some((w) => lower.includes(w));
  const run = longestRun(lower);

  const hints: PasswordHint[] = [
    { ok: length >= MIN_PASSWORD_LENGTH, text: `At least ${MIN_PASSWORD_LENGTH} characters (${length} so far)` },
    { ok: words >= 3 || length >= 20, text: "A passphrase of three or more unrelated words, or 20+ characters, is easy to remember and hard to guess" },
    { ok: distinct >= 8 && run < 4, text: "No long repeats or sequences (aaaa, 1234, abcd)" },
    { ok: !containsName, text: "Does not contain your username" },
    { ok: !obvious, text: "Avoids obvious words such as password, qwerty or bitcoin" },
  ];

  let strength: PasswordAdvice["strength"] = 0;
  if (length >= MIN_PASSWORD_LENGTH) {
    strength = 1;
    const extras = hints.slice(1).filter((h) => h.ok).length;
    if (extras >= 3) {
      strength = 2;
    }
    if (extras === 4 && (length >= 20 || words >= 4)) {
      strength = 3;
    }
    if (containsName || obvious || run >= 6 || distinct < 5) {
      strength = 1;
    }
  }
  const label = ["Too short", "Weak", "Good", "Strong"][strength]!;
  return { acceptable: length >= MIN_PASSWORD_LENGTH, strength, label, hints };
}

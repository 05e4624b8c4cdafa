// The card form's own checks, before anything leaves the page (the processor has the last word).

export interface CardForm {
  number: string;
  expiry: string;
  cvc: string;
}

/** "12/30" or "12 / 2030" -> month and four-digit year; null when it is not a month and year. */
export function parseExpiry(text: string): { expMonth: number; expYear: number } | null {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!match) return null;
  const expMonth = Number(match[1]);
  const year = Number(match[2]);
  if (expMonth < 1 || expMonth > 12) return null;
  return { expMonth, expYear: year < 100 ? 2000 + year : year };
}

/** Messages per field ("number", "expiry", "cvc"); empty when the form can go to the processor. */
export function cardErrors(card: CardForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!/^\d{12,19}$/.test(card.number.replace(/[\s-]/g, ""))) errors.number = "Enter the card number (12 to 19 digits).";
  if (!parseExpiry(card.expiry)) errors.expiry = "Enter the expiry as MM/YY.";
  if (!/^\d{3,4}$/.test(card.cvc.trim())) errors.cvc = "Enter the 3 or 4 digit security code.";
  return errors;
}

// The checkout form's own checks, before anything leaves the page (the processor and the API have
// the last word: their errors are shown the same way, per field).

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

export interface AddressForm {
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

export const EMPTY_ADDRESS: AddressForm = { name: "", line1: "", line2: "", city: "", region: "", postalCode: "", country: "" };

/** Messages per required field that is missing, and for a country that is not a two-letter code. */
export function addressErrors(address: AddressForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!address.line1.trim()) errors.line1 = "Enter the street address.";
  if (!address.city.trim()) errors.city = "Enter the city.";
  if (!address.postalCode.trim()) errors.postalCode = "Enter the postal code.";
  if (!/^[A-Za-z]{2}$/.test(address.country.trim())) errors.country = "Enter the two-letter country code (US, FR, ...).";
  return errors;
}

// Sign in and sign up. Signing in folds the anonymous cart into the account's (api.signIn).
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../shared/http";
import { ErrorNotice } from "../components/ErrorNotice";
import { usePageTitle, useShop } from "../context";

function useNext(): string {
  const [params] = useSearchParams();
  const next = params.get("next") ?? "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/"; // only our own pages
}

function Field({ label, type, value, onChange, autoComplete, error, hint, minLength }: {
  label: string; type: string; value: string; onChange: (v: string) => void; autoComplete: string;
  error?: string; hint?: string; minLength?: number;
}) {
  const id = useId();
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type={type} value={value} onChange={(e) => onChange(e.target.value)} autoComplete={autoComplete} required
        minLength={minLength} aria-invalid={error ? true : undefined} aria-describedby={described} />
      {hint && <span id={`${id}-hint`} className="field-hint">{hint}</span>}
      {error && <span id={`${id}-error`} className="field-error">{error}</span>}
    </div>
  );
}

function useAccountForm(action: (email: string, password: string) => Promise<void>) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action(email.trim(), password);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const fields = error instanceof ApiError ? error.fieldErrors : {};
  return { email, setEmail, password, setPassword, error, busy, submit, fields };
}

export function SignInPage() {
  usePageTitle("Sign in");
  const { api } = useShop();
  const client = useQueryClient();
  const navigate = useNavigate();
  const next = useNext();
  const [dropped, setDropped] = useState<string[]>([]);
  const form = useAccountForm(async (email, password) => {
    const notMerged = await api.signIn(email, password);
    void client.invalidateQueries(); // everything was read as someone else (anonymous): read it again
    if (notMerged.length) setDropped(notMerged);
    else navigate(next, { replace: true });
  });
  if (dropped.length) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">Signed in</h1>
        <p className="notice notice-warn" role="status">Your cart was full: {dropped.join(", ")} could not be added to it.</p>
        <Link to={next}>Continue</Link>
      </section>
    );
  }
  return (
    <section aria-labelledby="page-title" className="form-page">
      <h1 id="page-title">Sign in</h1>
      <form onSubmit={form.submit} noValidate={false}>
        <Field label="Email" type="email" value={form.email} onChange={form.setEmail} autoComplete="email" error={form.fields.email} />
        <Field label="Password" type="password" value={form.password} onChange={form.setPassword} autoComplete="current-password" error={form.fields.password} />
        <ErrorNotice error={form.error} title="Could not sign in." />
        <button type="submit" disabled={form.busy}>{form.busy ? "Signing in…" : "Sign in"}</button>
      </form>
      <p>New here? <Link to={`/signup?next=${encodeURIComponent(next)}`}>Create an account</Link></p>
    </section>
  );
}

export function SignUpPage() {
  usePageTitle("Create account");
  const { api } = useShop();
  const client = useQueryClient();
  const navigate = useNavigate();
  const next = useNext();
  const form = useAccountForm(async (email, password) => {
    await api.signUp(email, password);
    await api.signIn(email, password);
    void client.invalidateQueries();
    navigate(next, { replace: true });
  });
  return (
    <section aria-labelledby="page-title" className="form-page">
      <h1 id="page-title">Create an account</h1>
      <form onSubmit={form.submit}>
        <Field label="Email" type="email" value={form.email} onChange={form.setEmail} autoComplete="email" error={form.fields.email} />
        <Field label="Password" type="password" value={form.password} onChange={form.setPassword} autoComplete="new-password"
          error={form.fields.password} />
        <ErrorNotice error={form.error} title="Could not create the account." />
        <button type="submit" disabled={form.busy}>{form.busy ? "Creating…" : "Create account"}</button>
      </form>
      <p>Already have one? <Link to={`/signin?next=${encodeURIComponent(next)}`}>Sign in</Link></p>
    </section>
  );
}

import { useState } from "react";
import { useControl, type DeadLetter, type DeadLetterQueue, type Email } from "../api";
import { control } from "../api";
import { Expandable, Failure, Json, Loading, Section } from "../components/bits";

export function EmailList({ emails }: { emails: Email[] }) {
  if (emails.length === 0) return <p className="muted">No emails.</p>;
  return (
    <ol className="emails" reversed aria-label="Emails, newest first">
      {[...emails].reverse().map((email) => (
        <li key={email.id}>
          <Expandable label={`the email ${email.subject}`} summary={<span><strong>{email.subject}</strong> <span className="muted">to {email.to.join(", ")}</span></span>}>
            <p className="small muted">from {email.source}</p>
            <pre className="mail">{email.body}</pre>
          </Expandable>
        </li>
      ))}
    </ol>
  );
}

export function EmailsPage() {
  const emails = useControl<{ items: Email[] }>("emails");
  return (
    <Section title="Emails sent (SES)" id="emails-page-title">
      {emails.isPending ? <Loading what="emails" /> : emails.isError ? <Failure error={emails.error} /> : <EmailList emails={emails.data.items} />}
    </Section>
  );
}

export function DlqPage() {
  const dlqs = useControl<{ items: DeadLetterQueue[] }>("dlqs");
  return (
    <Section title="Dead-letter queues" id="dlqs-title">
      {dlqs.isPending ? <Loading what="queues" /> : dlqs.isError ? <Failure error={dlqs.error} /> : dlqs.data.items.map((q) => <DlqView key={q.logicalId} queue={q} />)}
    </Section>
  );
}

function DlqView({ queue }: { queue: DeadLetterQueue }) {
  const [messages, setMessages] = useState<DeadLetter[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const peek = async () => {
    setError(null);
    try {
      setMessages((await control<{ items: DeadLetter[] }>(`dlqs/${encodeURIComponent(queue.logicalId)}/messages`)).items);
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <article className="dlq" id={queue.logicalId} data-dlq={queue.logicalId}>
      <h3>{queue.logicalId} <span className="muted small">{queue.name}</span></h3>
      <p><strong className={queue.messages ? "bad" : ""}>{queue.messages}</strong> waiting{queue.inFlight ? `, ${queue.inFlight} in flight` : ""} · dead letters of {queue.feeds.join(", ")}</p>
      <button type="button" onClick={peek} disabled={!queue.messages}>Look at the messages</button>
      <span className="muted small"> (received with visibility 0: they stay in the queue)</span>
      {error !== null && <Failure error={error} />}
      {messages && (messages.length === 0 ? <p className="muted">None visible right now.</p> : (
        <ol className="dead-letters">
          {messages.map((m) => (
            <li key={m.messageId}>
              <p className="small">{Object.entries(m.messageAttributes).map(([k, v]) => <span key={k} className="attr"><b>{k}</b> {v}</span>)}</p>
              <Json value={m.body} />
            </li>
          ))}
        </ol>
      ))}
    </article>
  );
}

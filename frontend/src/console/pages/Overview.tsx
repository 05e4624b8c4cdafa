import { Link } from "react-router";
import { formatDuration } from "../../shared/format";
import { useControl, type Breaker, type DeadLetterQueue, type Email, type FunctionStats, type Metrics } from "../api";
import { Failure, Loading, percent, Section, Status } from "../components/bits";

export function OverviewPage() {
  return (
    <div className="overview">
      <BreakersPanel />
      <CachePanel />
      <DlqPanel />
      <EmailsPanel />
      <FunctionsPanel />
    </div>
  );
}

/** "shop-local-PaymentAuthorizeFunction" -> "PaymentAuthorize": the logical id, without the stack's prefix */
export function shortName(name: string): string {
  return name.slice(name.lastIndexOf("-") + 1).replace(/Function$/, "");
}

export function FunctionsPanel() {
  const stats = useControl<Record<string, FunctionStats>>("functions");
  return (
    <Section title="Functions" id="functions-title">
      {stats.isPending ? <Loading what="functions" /> : stats.isError ? <Failure error={stats.error} /> : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Function</th><th scope="col">Invocations</th><th scope="col">Errors</th><th scope="col">Throttles</th>
                <th scope="col">Cold starts</th><th scope="col">p50</th><th scope="col">p99</th><th scope="col">Environments</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(stats.data).sort(([a], [b]) => a.localeCompare(b)).map(([name, f]) => (
                <tr key={name} data-function={name} className={f.counters.invocations ? "" : "quiet"}>
                  <th scope="row" title={name}>{shortName(name)}</th>
                  <td>{f.counters.invocations}</td>
                  <td className={f.counters.errors ? "bad" : ""}>{f.counters.errors}</td>
                  <td className={f.counters.throttles ? "warn" : ""}>{f.counters.throttles}</td>
                  <td>{f.counters.cold_starts}</td>
                  <td>{formatDuration(f.durationMs?.p50)}</td>
                  <td>{formatDuration(f.durationMs?.p99)}</td>
                  <td>{f.environments.busy} busy / {f.environments.total}{f.reservedConcurrency != null && <span className="muted"> (reserved {f.reservedConcurrency})</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

export function BreakersPanel() {
  const breakers = useControl<{ items: Breaker[] }>("breakers");
  return (
    <Section title="Circuit breakers" id="breakers-title">
      {breakers.isPending ? <Loading what="breakers" /> : breakers.isError ? <Failure error={breakers.error} /> : (
        breakers.data.items.length === 0 ? <p className="muted">No shared breakers in this stack.</p> : (
          <ul className="cards">
            {breakers.data.items.map((b) => (
              <li key={b.name} className={`card breaker breaker-${b.state}`} data-breaker={b.name} data-state={b.state}>
                <p className="card-title">{b.name}</p>
                <p><Status value={b.state} /></p>
                {b.error ? <p className="error">{b.error}</p> : (
                  <p className="muted small">
                    {b.calls ?? 0} calls in the window, {b.failures ?? 0} failed ({b.failureRate ?? 0}%)
                    {b.since && <> · {b.state} for {formatDuration(b.forMs)}</>}
                    {b.retryInMs !== undefined && <> · trial calls in {formatDuration(b.retryInMs)}</>}
                    {b.trialPermitsLeft !== undefined && <> · {b.trialPermitsLeft} trial calls left</>}
                  </p>
                )}
                <p className="muted small">
                  {Object.entries(b.settings).map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`).join(" · ")}
                  {" "}· used by {b.functions.map(shortName).join(", ")}
                </p>
              </li>
            ))}
          </ul>
        )
      )}
    </Section>
  );
}

export function CachePanel() {
  const metrics = useControl<Metrics>("metrics");
  return (
    <Section title="Cache hit ratio" id="cache-title">
      {metrics.isPending ? <Loading what="metrics" /> : metrics.isError ? <Failure error={metrics.error} /> : (() => {
        const { total, byFunction } = metrics.data.cache;
        if (!total.reads) return <p className="muted">No cached reads yet (browse the storefront).</p>;
        return (
          <>
            <div className="cache-bar" role="img" aria-label={`L1 ${percent(total.l1Ratio)}, L2 ${percent(total.l2Ratio)}, miss ${percent(total.missRatio)}`}>
              <span className="cache-l1" style={{ flexGrow: total.l1 }} />
              <span className="cache-l2" style={{ flexGrow: total.l2 }} />
              <span className="cache-miss" style={{ flexGrow: total.miss }} />
            </div>
            <p className="cache-ratios">
              <span className="cache-key cache-l1" /> L1 {percent(total.l1Ratio)} <span className="cache-key cache-l2" /> L2 {percent(total.l2Ratio)}
              {" "}<span className="cache-key cache-miss" /> miss {percent(total.missRatio)} · <strong>hit ratio {percent(total.hitRatio)}</strong> of {total.reads} reads
            </p>
            <p className="muted small">L1: the execution environment&apos;s memory · L2: Redis · miss: read from the table</p>
            <div className="table-wrap">
            <table className="data compact">
              <thead><tr><th scope="col">Reads by</th><th scope="col">L1</th><th scope="col">L2</th><th scope="col">Miss</th><th scope="col">Hits</th></tr></thead>
              <tbody>
                <tr className="total"><th scope="row">All functions</th><td>{total.l1}</td><td>{total.l2}</td><td>{total.miss}</td><td>{percent(total.hitRatio)}</td></tr>
                {Object.entries(byFunction).map(([name, r]) => (
                  <tr key={name}><th scope="row" title={name}>{shortName(name)}</th><td>{r.l1}</td><td>{r.l2}</td><td>{r.miss}</td><td>{percent(r.hitRatio)}</td></tr>
                ))}
              </tbody>
            </table>
            </div>
          </>
        );
      })()}
    </Section>
  );
}

function DlqPanel() {
  const dlqs = useControl<{ items: DeadLetterQueue[] }>("dlqs");
  return (
    <Section title="Dead-letter queues" id="dlq-title" aside={<Link to="/dlqs">Open</Link>}>
      {dlqs.isPending ? <Loading what="queues" /> : dlqs.isError ? <Failure error={dlqs.error} /> : (
        <ul className="plain">
          {dlqs.data.items.map((q) => (
            <li key={q.logicalId} data-dlq={q.logicalId}>
              <Link to={`/dlqs#${q.logicalId}`}>{q.logicalId}</Link>: <strong className={q.messages ? "bad" : ""}>{q.messages}</strong> waiting
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function EmailsPanel() {
  const emails = useControl<{ items: Email[] }>("emails");
  const last = emails.data?.items.at(-1);
  return (
    <Section title="Emails sent" id="emails-title" aside={<Link to="/emails">Open</Link>}>
      {emails.isPending ? <Loading what="emails" /> : emails.isError ? <Failure error={emails.error} /> : (
        <p><strong>{emails.data.items.length}</strong> sent{last && <> · latest to {last.to.join(", ")}: “{last.subject}”</>}</p>
      )}
    </Section>
  );
}

import { Link, useParams } from "react-router";
import { formatDateTime, formatDuration } from "../../shared/format";
import { useControl, type ExecutionDetail, type ExecutionSummary } from "../api";
import { Failure, Loading, Section, Status } from "../components/bits";
import { SagaGraph } from "../components/SagaGraph";

export function ExecutionsPage() {
  const list = useControl<{ items: ExecutionSummary[] }>("executions?limit=100");
  return (
    <Section title="Saga executions" id="executions-title">
      {list.isPending ? <Loading what="executions" /> : list.isError ? <Failure error={list.error} /> : list.data.items.length === 0 ? (
        <p className="muted">No executions yet: check out in the storefront.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead><tr><th scope="col">Execution (order)</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Duration</th></tr></thead>
            <tbody>
              {list.data.items.map((e) => (
                <tr key={e.arn} data-execution={e.name}>
                  <th scope="row"><Link to={`/orders/${encodeURIComponent(e.name)}`}>{e.name}</Link></th>
                  <td><Status value={e.status} /></td>
                  <td>{formatDateTime(e.startDate)}</td>
                  <td>{formatDuration(e.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** One execution on its state machine's graph, and the states' timings as a table (the graph's text alternative). */
export function ExecutionView({ detail }: { detail: ExecutionDetail }) {
  const { execution, states, path } = detail;
  return (
    <div className="execution" data-execution={execution.name} data-status={execution.status}>
      <p>
        <Status value={execution.status} /> {detail.stateMachine.name} ({detail.stateMachine.type}) · started {formatDateTime(execution.startDate)}
        {execution.durationMs != null && <> · {formatDuration(execution.durationMs)}</>}
      </p>
      {detail.error && <p className="error">Ended with {detail.error.error}{detail.error.cause && <>: {detail.error.cause}</>}</p>}
      <div className="execution-grid">
        <SagaGraph definition={detail.stateMachine.definition} states={states} transitions={detail.transitions}
          title={`${detail.stateMachine.name}: execution ${execution.name}, ${execution.status}`} />
        <div className="table-wrap">
          <table className="data compact states">
            <caption>States in the order they ran</caption>
            <thead><tr><th scope="col">State</th><th scope="col">Result</th><th scope="col">Took</th><th scope="col">Tries</th></tr></thead>
            <tbody>
              {path.map((name, index) => {
                const run = states[name];
                return (
                  <tr key={`${index}-${name}`} data-state-row={name}>
                    <th scope="row">{name}</th>
                    <td>
                      <span className={`result result-${run.status}`}>{run.status}</span>
                      {run.error && <div className="small error" title={run.cause ?? undefined}>{run.error}</div>}
                    </td>
                    <td>{formatDuration(run.durationMs)}</td>
                    <td>{run.attempts || ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}

export function ExecutionPage() {
  const { name = "" } = useParams();
  const detail = useControl<ExecutionDetail>(`executions/${encodeURIComponent(name)}`);
  return (
    <Section title={`Execution ${name}`} id="execution-title">
      {detail.isPending ? <Loading what="the execution" /> : detail.isError ? <Failure error={detail.error} /> : <ExecutionView detail={detail.data} />}
    </Section>
  );
}

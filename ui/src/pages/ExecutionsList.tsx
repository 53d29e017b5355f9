// Being written (owned by one engineer at a time; see the UI work split).
export default function ExecutionsList() {
  return <div className="empty">ExecutionsList</div>;
}

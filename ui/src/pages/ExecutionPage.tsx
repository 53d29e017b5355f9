// Being written (owned by one engineer at a time; see the UI work split).
export default function ExecutionPage() {
  return <div className="empty">ExecutionPage</div>;
}

// Being written (owned by one engineer at a time; see the UI work split).
export default function FlowsList() {
  return <div className="empty">FlowsList</div>;
}

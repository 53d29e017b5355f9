// Being written (owned by one engineer at a time; see the UI work split).
export default function FlowEditor() {
  return <div className="empty">FlowEditor</div>;
}

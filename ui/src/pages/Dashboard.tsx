// Being written (owned by one engineer at a time; see the UI work split).
export default function Dashboard() {
  return <div className="empty">Dashboard</div>;
}

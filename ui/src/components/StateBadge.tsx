import type { StateType } from "../api";

/** A state as a coloured pill; the same colours everywhere (CSS variables --state-<STATE>). */
export default function StateBadge({ state }: { state: StateType | string }) {
  return (
    <span className={`state state-${state}`} data-state={state}>
      {state}
    </span>
  );
}

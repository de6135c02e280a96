// A labelled quantity picker from 1 to `max`. A select rather than a number field: every value
// it can hold is valid, and it is operable with the keyboard alone.
import type { ChangeEvent } from "react";

export function QuantitySelect(props: { id: string; label: string; value: number; max: number; onChange: (quantity: number) => void; labelHidden?: boolean }) {
  const options = Array.from({ length: Math.max(1, props.max) }, (_, i) => i + 1);
  return (
    <span className="quantity">
      <label htmlFor={props.id} className={props.labelHidden ? "visually-hidden" : undefined}>
        {props.label}
      </label>
      <select id={props.id} value={props.value} onChange={(event: ChangeEvent<HTMLSelectElement>) => props.onChange(Number(event.target.value))}>
        {options.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </span>
  );
}

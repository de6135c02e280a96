// /admin/dead-letters: every DLQ, its messages, redrive and delete.
import { DeadLettersConsole } from "../../../components/admin/dead-letters-console";

export const metadata = { title: "Dead letters" };

export default function AdminDeadLettersPage() {
  return <DeadLettersConsole />;
}

// An order link that does not open an order (see OrderNotFound).
import { OrderNotFound } from "../../../components/order-not-found";

export default OrderNotFound;

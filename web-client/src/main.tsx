import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "urql";
import "./index.css";
import "./i18n";
import { client } from "./client";
import { TenantProvider } from "./tenant";
import { App } from "./App";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Provider value={client}>
        <TenantProvider>
          <App />
        </TenantProvider>
      </Provider>
    </StrictMode>,
  );
}

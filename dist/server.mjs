// server.ts
import http from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { toNodeHandler } from "better-auth/node";
import next from "next";

// src/server/csrf.ts
function isForeignBrowserRequest(origin, fetchSite, appOrigins2) {
  const foreignOrigin = origin != null && !appOrigins2.includes(origin);
  const foreignSite = fetchSite != null && fetchSite !== "same-origin" && fetchSite !== "none";
  return foreignOrigin || foreignSite;
}

// src/server/db/client.ts
import { EventEmitter } from "node:events";
import { PrismaPg } from "@prisma/adapter-pg";

// src/generated/prisma-sqlite/client.ts
import * as path from "node:path";
import { fileURLToPath } from "node:url";

// src/generated/prisma-sqlite/internal/class.ts
import * as runtime from "@prisma/client/runtime/client";
var config = {
  "generator": {
    "name": "client",
    "provider": {
      "fromEnvVar": null,
      "value": "prisma-client"
    },
    "output": {
      "value": "/work/main/src/generated/prisma-sqlite",
      "fromEnvVar": null
    },
    "config": {
      "engineType": "client",
      "runtime": "nodejs"
    },
    "binaryTargets": [
      {
        "fromEnvVar": null,
        "value": "debian-openssl-3.0.x",
        "native": true
      }
    ],
    "previewFeatures": [],
    "sourceFilePath": "/work/main/prisma/sqlite/schema.prisma",
    "isCustomOutput": true
  },
  "relativePath": "../../../prisma/sqlite",
  "clientVersion": "6.19.3",
  "engineVersion": "c2990dca591cba766e3b7ef5d9e8a84796e47ab7",
  "datasourceNames": [
    "db"
  ],
  "activeProvider": "sqlite",
  "postinstall": false,
  "inlineDatasources": {
    "db": {
      "url": {
        "fromEnvVar": null,
        "value": "file:./ignored.db"
      }
    }
  },
  "inlineSchema": `// Shared models for both providers. prisma/sqlite/ and prisma/postgresql/ hold
// only a datasource + generator each and link to this file, so the two clients
// can never describe different tables. Every change here needs a migration in
// both prisma/*/migrations folders (tests/db/migrations-drift.test.ts checks).

// ---- accounts (Better Auth's tables; field names are the library's) ----

model User {
  id            String    @id
  name          String
  email         String    @unique
  emailVerified Boolean   @default(false)
  image         String?
  createdAt     DateTime  @default(now())
  updatedAt     DateTime  @updatedAt
  sessions      Session[]
  accounts      Account[]

  counter        UserCounter?
  events         Event[]
  settings       Setting[]
  settingHistory SettingRevision[]
  receipts       MutationReceipt[]

  @@map("user")
}

model Session {
  id        String   @id
  expiresAt DateTime
  token     String   @unique
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
  ipAddress String?
  userAgent String?
  userId    String
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([userId])
  @@map("session")
}

model Account {
  id                    String    @id
  accountId             String
  providerId            String
  userId                String
  user                  User      @relation(fields: [userId], references: [id], onDelete: Cascade)
  accessToken           String?
  refreshToken          String?
  idToken               String?
  accessTokenExpiresAt  DateTime?
  refreshTokenExpiresAt DateTime?
  scope                 String?
  password              String?
  createdAt             DateTime  @default(now())
  updatedAt             DateTime  @updatedAt

  @@index([userId])
  @@map("account")
}

model Verification {
  id         String   @id
  identifier String
  value      String
  expiresAt  DateTime
  createdAt  DateTime @default(now())
  updatedAt  DateTime @updatedAt

  @@index([identifier])
  @@map("verification")
}

model RateLimit {
  id          String @id
  key         String @unique
  count       Int
  lastRequest BigInt

  @@map("rateLimit")
}

// ---- per-user write serialization and the event log ----

// One row per user. Every write transaction first bumps this row (UPDATE \u2026
// SET lockSeq = lockSeq + 1), which takes the user's write lock on PostgreSQL
// and is the first write on SQLite; eventSeq hands out the per-user event
// sequence in commit order.
model UserCounter {
  userId   String @id
  eventSeq Int    @default(0)
  lockSeq  Int    @default(0)
  user     User   @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@map("user_counter")
}

model Event {
  id        Int      @id @default(autoincrement())
  userId    String
  seq       Int
  type      String
  entity    String
  entityId  String
  version   Int
  payload   String
  createdAt DateTime @default(now())
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@unique([userId, seq])
  @@index([createdAt])
  @@map("event")
}

// requestId \u2192 first result, so a retried mutation changes nothing the second time.
model MutationReceipt {
  userId    String
  requestId String
  operation String
  response  String
  createdAt DateTime @default(now())
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@id([userId, requestId])
  @@index([createdAt])
  @@map("mutation_receipt")
}

// ---- settings ----

// value is JSON text; NULL means "deleted / back to the default" \u2014 the row stays
// so the version keeps increasing across delete and re-set.
model Setting {
  userId    String
  key       String
  value     String?
  version   Int
  updatedAt DateTime @updatedAt
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@id([userId, key])
  @@map("setting")
}

model SettingRevision {
  userId    String
  key       String
  version   Int
  value     String?
  action    String
  createdAt DateTime @default(now())
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@id([userId, key, version])
  @@map("setting_revision")
}

generator client {
  provider   = "prisma-client"
  output     = "../../src/generated/prisma-sqlite"
  engineType = "client"
  runtime    = "nodejs"
}

// The url is required by Prisma 6.19's parser but ignored: the runtime and the
// CLI connect through the driver adapter (see src/server/db/).
datasource db {
  provider = "sqlite"
  url      = "file:./ignored.db"
}
`,
  "inlineSchemaHash": "4c950a4f56cfce12920bae1ec7f39f15eca9e90fc6fc04483ae25653d20039c1",
  "copyEngine": true,
  "runtimeDataModel": {
    "models": {},
    "enums": {},
    "types": {}
  },
  "dirname": ""
};
config.runtimeDataModel = JSON.parse('{"models":{"User":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"email","kind":"scalar","type":"String"},{"name":"emailVerified","kind":"scalar","type":"Boolean"},{"name":"image","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"sessions","kind":"object","type":"Session","relationName":"SessionToUser"},{"name":"accounts","kind":"object","type":"Account","relationName":"AccountToUser"},{"name":"counter","kind":"object","type":"UserCounter","relationName":"UserToUserCounter"},{"name":"events","kind":"object","type":"Event","relationName":"EventToUser"},{"name":"settings","kind":"object","type":"Setting","relationName":"SettingToUser"},{"name":"settingHistory","kind":"object","type":"SettingRevision","relationName":"SettingRevisionToUser"},{"name":"receipts","kind":"object","type":"MutationReceipt","relationName":"MutationReceiptToUser"}],"dbName":"user"},"Session":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"expiresAt","kind":"scalar","type":"DateTime"},{"name":"token","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"ipAddress","kind":"scalar","type":"String"},{"name":"userAgent","kind":"scalar","type":"String"},{"name":"userId","kind":"scalar","type":"String"},{"name":"user","kind":"object","type":"User","relationName":"SessionToUser"}],"dbName":"session"},"Account":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"accountId","kind":"scalar","type":"String"},{"name":"providerId","kind":"scalar","type":"String"},{"name":"userId","kind":"scalar","type":"String"},{"name":"user","kind":"object","type":"User","relationName":"AccountToUser"},{"name":"accessToken","kind":"scalar","type":"String"},{"name":"refreshToken","kind":"scalar","type":"String"},{"name":"idToken","kind":"scalar","type":"String"},{"name":"accessTokenExpiresAt","kind":"scalar","type":"DateTime"},{"name":"refreshTokenExpiresAt","kind":"scalar","type":"DateTime"},{"name":"scope","kind":"scalar","type":"String"},{"name":"password","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":"account"},"Verification":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"identifier","kind":"scalar","type":"String"},{"name":"value","kind":"scalar","type":"String"},{"name":"expiresAt","kind":"scalar","type":"DateTime"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":"verification"},"RateLimit":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"key","kind":"scalar","type":"String"},{"name":"count","kind":"scalar","type":"Int"},{"name":"lastRequest","kind":"scalar","type":"BigInt"}],"dbName":"rateLimit"},"UserCounter":{"fields":[{"name":"userId","kind":"scalar","type":"String"},{"name":"eventSeq","kind":"scalar","type":"Int"},{"name":"lockSeq","kind":"scalar","type":"Int"},{"name":"user","kind":"object","type":"User","relationName":"UserToUserCounter"}],"dbName":"user_counter"},"Event":{"fields":[{"name":"id","kind":"scalar","type":"Int"},{"name":"userId","kind":"scalar","type":"String"},{"name":"seq","kind":"scalar","type":"Int"},{"name":"type","kind":"scalar","type":"String"},{"name":"entity","kind":"scalar","type":"String"},{"name":"entityId","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"payload","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"user","kind":"object","type":"User","relationName":"EventToUser"}],"dbName":"event"},"MutationReceipt":{"fields":[{"name":"userId","kind":"scalar","type":"String"},{"name":"requestId","kind":"scalar","type":"String"},{"name":"operation","kind":"scalar","type":"String"},{"name":"response","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"user","kind":"object","type":"User","relationName":"MutationReceiptToUser"}],"dbName":"mutation_receipt"},"Setting":{"fields":[{"name":"userId","kind":"scalar","type":"String"},{"name":"key","kind":"scalar","type":"String"},{"name":"value","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"user","kind":"object","type":"User","relationName":"SettingToUser"}],"dbName":"setting"},"SettingRevision":{"fields":[{"name":"userId","kind":"scalar","type":"String"},{"name":"key","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"value","kind":"scalar","type":"String"},{"name":"action","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"user","kind":"object","type":"User","relationName":"SettingRevisionToUser"}],"dbName":"setting_revision"}},"enums":{},"types":{}}');
config.engineWasm = void 0;
async function decodeBase64AsWasm(wasmBase64) {
  const { Buffer } = await import("node:buffer");
  const wasmArray = Buffer.from(wasmBase64, "base64");
  return new WebAssembly.Module(wasmArray);
}
config.compilerWasm = {
  getRuntime: async () => await import("@prisma/client/runtime/query_compiler_bg.sqlite.mjs"),
  getQueryCompilerWasmModule: async () => {
    const { wasm } = await import("@prisma/client/runtime/query_compiler_bg.sqlite.wasm-base64.mjs");
    return await decodeBase64AsWasm(wasm);
  }
};
function getPrismaClientClass(dirname3) {
  config.dirname = dirname3;
  return runtime.getPrismaClient(config);
}

// src/generated/prisma-sqlite/internal/prismaNamespace.ts
import * as runtime2 from "@prisma/client/runtime/client";
var getExtensionContext = runtime2.Extensions.getExtensionContext;
var NullTypes = {
  DbNull: runtime2.objectEnumValues.classes.DbNull,
  JsonNull: runtime2.objectEnumValues.classes.JsonNull,
  AnyNull: runtime2.objectEnumValues.classes.AnyNull
};
var DbNull = runtime2.objectEnumValues.instances.DbNull;
var JsonNull = runtime2.objectEnumValues.instances.JsonNull;
var AnyNull = runtime2.objectEnumValues.instances.AnyNull;
var TransactionIsolationLevel = runtime2.makeStrictEnum({
  Serializable: "Serializable"
});
var defineExtension = runtime2.Extensions.defineExtension;

// src/generated/prisma-sqlite/client.ts
globalThis["__dirname"] = path.dirname(fileURLToPath(import.meta.url));
var PrismaClient = getPrismaClientClass(__dirname);

// src/generated/prisma-postgresql/client.ts
import * as path2 from "node:path";
import { fileURLToPath as fileURLToPath2 } from "node:url";

// src/generated/prisma-postgresql/internal/class.ts
import * as runtime3 from "@prisma/client/runtime/client";
var config2 = {
  "generator": {
    "name": "client",
    "provider": {
      "fromEnvVar": null,
      "value": "prisma-client"
    },
    "output": {
      "value": "/work/main/src/generated/prisma-postgresql",
      "fromEnvVar": null
    },
    "config": {
      "engineType": "client",
      "runtime": "nodejs"
    },
    "binaryTargets": [
      {
        "fromEnvVar": null,
        "value": "debian-openssl-3.0.x",
        "native": true
      }
    ],
    "previewFeatures": [],
    "sourceFilePath": "/work/main/prisma/postgresql/schema.prisma",
    "isCustomOutput": true
  },
  "relativePath": "../../../prisma/postgresql",
  "clientVersion": "6.19.3",
  "engineVersion": "c2990dca591cba766e3b7ef5d9e8a84796e47ab7",
  "datasourceNames": [
    "db"
  ],
  "activeProvider": "postgresql",
  "postinstall": false,
  "inlineDatasources": {
    "db": {
      "url": {
        "fromEnvVar": null,
        "value": "postgresql://ignored"
      }
    }
  },
  "inlineSchema": `// Shared models for both providers. prisma/sqlite/ and prisma/postgresql/ hold
// only a datasource + generator each and link to this file, so the two clients
// can never describe different tables. Every change here needs a migration in
// both prisma/*/migrations folders (tests/db/migrations-drift.test.ts checks).

// ---- accounts (Better Auth's tables; field names are the library's) ----

model User {
  id            String    @id
  name          String
  email         String    @unique
  emailVerified Boolean   @default(false)
  image         String?
  createdAt     DateTime  @default(now())
  updatedAt     DateTime  @updatedAt
  sessions      Session[]
  accounts      Account[]

  counter        UserCounter?
  events         Event[]
  settings       Setting[]
  settingHistory SettingRevision[]
  receipts       MutationReceipt[]

  @@map("user")
}

model Session {
  id        String   @id
  expiresAt DateTime
  token     String   @unique
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
  ipAddress String?
  userAgent String?
  userId    String
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([userId])
  @@map("session")
}

model Account {
  id                    String    @id
  accountId             String
  providerId            String
  userId                String
  user                  User      @relation(fields: [userId], references: [id], onDelete: Cascade)
  accessToken           String?
  refreshToken          String?
  idToken               String?
  accessTokenExpiresAt  DateTime?
  refreshTokenExpiresAt DateTime?
  scope                 String?
  password              String?
  createdAt             DateTime  @default(now())
  updatedAt             DateTime  @updatedAt

  @@index([userId])
  @@map("account")
}

model Verification {
  id         String   @id
  identifier String
  value      String
  expiresAt  DateTime
  createdAt  DateTime @default(now())
  updatedAt  DateTime @updatedAt

  @@index([identifier])
  @@map("verification")
}

model RateLimit {
  id          String @id
  key         String @unique
  count       Int
  lastRequest BigInt

  @@map("rateLimit")
}

// ---- per-user write serialization and the event log ----

// One row per user. Every write transaction first bumps this row (UPDATE \u2026
// SET lockSeq = lockSeq + 1), which takes the user's write lock on PostgreSQL
// and is the first write on SQLite; eventSeq hands out the per-user event
// sequence in commit order.
model UserCounter {
  userId   String @id
  eventSeq Int    @default(0)
  lockSeq  Int    @default(0)
  user     User   @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@map("user_counter")
}

model Event {
  id        Int      @id @default(autoincrement())
  userId    String
  seq       Int
  type      String
  entity    String
  entityId  String
  version   Int
  payload   String
  createdAt DateTime @default(now())
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@unique([userId, seq])
  @@index([createdAt])
  @@map("event")
}

// requestId \u2192 first result, so a retried mutation changes nothing the second time.
model MutationReceipt {
  userId    String
  requestId String
  operation String
  response  String
  createdAt DateTime @default(now())
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@id([userId, requestId])
  @@index([createdAt])
  @@map("mutation_receipt")
}

// ---- settings ----

// value is JSON text; NULL means "deleted / back to the default" \u2014 the row stays
// so the version keeps increasing across delete and re-set.
model Setting {
  userId    String
  key       String
  value     String?
  version   Int
  updatedAt DateTime @updatedAt
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@id([userId, key])
  @@map("setting")
}

model SettingRevision {
  userId    String
  key       String
  version   Int
  value     String?
  action    String
  createdAt DateTime @default(now())
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@id([userId, key, version])
  @@map("setting_revision")
}

generator client {
  provider   = "prisma-client"
  output     = "../../src/generated/prisma-postgresql"
  engineType = "client"
  runtime    = "nodejs"
}

// The url is required by Prisma 6.19's parser but ignored: the runtime and the
// CLI connect through the driver adapter (see src/server/db/).
datasource db {
  provider = "postgresql"
  url      = "postgresql://ignored"
}
`,
  "inlineSchemaHash": "4d1beb1aeb16426b501599b3415a0e6ad87d69fa90d5bc1e738f4ca0a1180546",
  "copyEngine": true,
  "runtimeDataModel": {
    "models": {},
    "enums": {},
    "types": {}
  },
  "dirname": ""
};
config2.runtimeDataModel = JSON.parse('{"models":{"User":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"email","kind":"scalar","type":"String"},{"name":"emailVerified","kind":"scalar","type":"Boolean"},{"name":"image","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"sessions","kind":"object","type":"Session","relationName":"SessionToUser"},{"name":"accounts","kind":"object","type":"Account","relationName":"AccountToUser"},{"name":"counter","kind":"object","type":"UserCounter","relationName":"UserToUserCounter"},{"name":"events","kind":"object","type":"Event","relationName":"EventToUser"},{"name":"settings","kind":"object","type":"Setting","relationName":"SettingToUser"},{"name":"settingHistory","kind":"object","type":"SettingRevision","relationName":"SettingRevisionToUser"},{"name":"receipts","kind":"object","type":"MutationReceipt","relationName":"MutationReceiptToUser"}],"dbName":"user"},"Session":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"expiresAt","kind":"scalar","type":"DateTime"},{"name":"token","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"ipAddress","kind":"scalar","type":"String"},{"name":"userAgent","kind":"scalar","type":"String"},{"name":"userId","kind":"scalar","type":"String"},{"name":"user","kind":"object","type":"User","relationName":"SessionToUser"}],"dbName":"session"},"Account":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"accountId","kind":"scalar","type":"String"},{"name":"providerId","kind":"scalar","type":"String"},{"name":"userId","kind":"scalar","type":"String"},{"name":"user","kind":"object","type":"User","relationName":"AccountToUser"},{"name":"accessToken","kind":"scalar","type":"String"},{"name":"refreshToken","kind":"scalar","type":"String"},{"name":"idToken","kind":"scalar","type":"String"},{"name":"accessTokenExpiresAt","kind":"scalar","type":"DateTime"},{"name":"refreshTokenExpiresAt","kind":"scalar","type":"DateTime"},{"name":"scope","kind":"scalar","type":"String"},{"name":"password","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":"account"},"Verification":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"identifier","kind":"scalar","type":"String"},{"name":"value","kind":"scalar","type":"String"},{"name":"expiresAt","kind":"scalar","type":"DateTime"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":"verification"},"RateLimit":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"key","kind":"scalar","type":"String"},{"name":"count","kind":"scalar","type":"Int"},{"name":"lastRequest","kind":"scalar","type":"BigInt"}],"dbName":"rateLimit"},"UserCounter":{"fields":[{"name":"userId","kind":"scalar","type":"String"},{"name":"eventSeq","kind":"scalar","type":"Int"},{"name":"lockSeq","kind":"scalar","type":"Int"},{"name":"user","kind":"object","type":"User","relationName":"UserToUserCounter"}],"dbName":"user_counter"},"Event":{"fields":[{"name":"id","kind":"scalar","type":"Int"},{"name":"userId","kind":"scalar","type":"String"},{"name":"seq","kind":"scalar","type":"Int"},{"name":"type","kind":"scalar","type":"String"},{"name":"entity","kind":"scalar","type":"String"},{"name":"entityId","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"payload","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"user","kind":"object","type":"User","relationName":"EventToUser"}],"dbName":"event"},"MutationReceipt":{"fields":[{"name":"userId","kind":"scalar","type":"String"},{"name":"requestId","kind":"scalar","type":"String"},{"name":"operation","kind":"scalar","type":"String"},{"name":"response","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"user","kind":"object","type":"User","relationName":"MutationReceiptToUser"}],"dbName":"mutation_receipt"},"Setting":{"fields":[{"name":"userId","kind":"scalar","type":"String"},{"name":"key","kind":"scalar","type":"String"},{"name":"value","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"user","kind":"object","type":"User","relationName":"SettingToUser"}],"dbName":"setting"},"SettingRevision":{"fields":[{"name":"userId","kind":"scalar","type":"String"},{"name":"key","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"value","kind":"scalar","type":"String"},{"name":"action","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"user","kind":"object","type":"User","relationName":"SettingRevisionToUser"}],"dbName":"setting_revision"}},"enums":{},"types":{}}');
config2.engineWasm = void 0;
async function decodeBase64AsWasm2(wasmBase64) {
  const { Buffer } = await import("node:buffer");
  const wasmArray = Buffer.from(wasmBase64, "base64");
  return new WebAssembly.Module(wasmArray);
}
config2.compilerWasm = {
  getRuntime: async () => await import("@prisma/client/runtime/query_compiler_bg.postgresql.mjs"),
  getQueryCompilerWasmModule: async () => {
    const { wasm } = await import("@prisma/client/runtime/query_compiler_bg.postgresql.wasm-base64.mjs");
    return await decodeBase64AsWasm2(wasm);
  }
};
function getPrismaClientClass2(dirname3) {
  config2.dirname = dirname3;
  return runtime3.getPrismaClient(config2);
}

// src/generated/prisma-postgresql/internal/prismaNamespace.ts
import * as runtime4 from "@prisma/client/runtime/client";
var getExtensionContext2 = runtime4.Extensions.getExtensionContext;
var NullTypes2 = {
  DbNull: runtime4.objectEnumValues.classes.DbNull,
  JsonNull: runtime4.objectEnumValues.classes.JsonNull,
  AnyNull: runtime4.objectEnumValues.classes.AnyNull
};
var DbNull2 = runtime4.objectEnumValues.instances.DbNull;
var JsonNull2 = runtime4.objectEnumValues.instances.JsonNull;
var AnyNull2 = runtime4.objectEnumValues.instances.AnyNull;
var TransactionIsolationLevel2 = runtime4.makeStrictEnum({
  ReadUncommitted: "ReadUncommitted",
  ReadCommitted: "ReadCommitted",
  RepeatableRead: "RepeatableRead",
  Serializable: "Serializable"
});
var defineExtension2 = runtime4.Extensions.defineExtension;

// src/generated/prisma-postgresql/client.ts
globalThis["__dirname"] = path2.dirname(fileURLToPath2(import.meta.url));
var PrismaClient2 = getPrismaClientClass2(__dirname);

// src/server/db/sqlite-adapter.ts
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// src/server/db/mutex.ts
var Mutex = class {
  #tail = Promise.resolve();
  acquire() {
    let release;
    const next2 = new Promise((resolve) => release = resolve);
    const ready = this.#tail.then(() => {
      let released = false;
      return () => {
        if (!released) {
          released = true;
          release();
        }
      };
    });
    this.#tail = this.#tail.then(() => next2);
    return ready;
  }
};

// src/server/db/sqlite-adapter.ts
var SerializedSqliteAdapterFactory = class {
  constructor(filePath, busyTimeoutMs = 5e3) {
    this.busyTimeoutMs = busyTimeoutMs;
    this.#inner = new PrismaBetterSQLite3({ url: `file:${filePath}`, timeout: busyTimeoutMs });
  }
  busyTimeoutMs;
  provider = "sqlite";
  adapterName = "vo-better-sqlite3";
  #inner;
  async connect() {
    return serialize(await this.#inner.connect());
  }
};
function serialize(adapter) {
  const inner = adapter;
  const connection = inner.client;
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("foreign_keys = ON");
  const gate = new Mutex();
  const exclusive = async (work) => {
    const release = await gate.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => exclusive(() => inner.queryRaw(query)),
    executeRaw: (query) => exclusive(() => inner.executeRaw(query)),
    executeScript: (script) => exclusive(() => inner.executeScript(script)),
    getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: false },
    dispose: () => exclusive(() => inner.dispose()),
    async startTransaction(isolationLevel) {
      if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
        return inner.startTransaction(isolationLevel);
      }
      const release = await gate.acquire();
      try {
        connection.prepare("BEGIN IMMEDIATE").run();
      } catch (error) {
        release();
        inner.onError(error);
      }
      return {
        provider: inner.provider,
        adapterName: inner.adapterName,
        options: { usePhantomQuery: false },
        queryRaw: (query) => inner.queryRaw(query),
        executeRaw: (query) => inner.executeRaw(query),
        commit: async () => release(),
        rollback: async () => release()
      };
    }
  };
}

// src/server/db/url.ts
import path3 from "node:path";
function databaseProvider(url) {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgresql" : "sqlite";
}
function sqliteFilePath(url) {
  let p = url.replace(/^file:(\/\/(?=\/))?/i, "");
  p = p.replace(/\?.*$/, "");
  if (p === "") throw new Error(`No SQLite file in database URL "${url}"`);
  if (p === ":memory:") return p;
  return path3.resolve(process.cwd(), p);
}

// src/server/db/retry.ts
var TRANSIENT_PRISMA_CODES = /* @__PURE__ */ new Set(["P1008", "P2028", "P2034"]);
var TRANSIENT_SQLSTATES = /* @__PURE__ */ new Set(["40001", "40P01"]);
function isTransientDbError(error, retryUniqueViolation = false) {
  const e = error;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string") {
    if (TRANSIENT_PRISMA_CODES.has(e.code) || TRANSIENT_SQLSTATES.has(e.code)) return true;
    if (retryUniqueViolation && e.code === "P2002") return true;
    if (e.code.startsWith("SQLITE_BUSY")) return true;
  }
  const text = `${String(e.message ?? "")} ${safeJson(e.meta?.driverAdapterError)}`;
  return /SQLITE_BUSY|database is locked|40001|40P01|could not serialize|deadlock detected/i.test(text);
}
async function withRetry(work, options = {}) {
  const attempts = options.attempts ?? 12;
  const base = options.baseDelayMs ?? 5;
  const max = options.maxDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= attempts || !isTransientDbError(error, options.retryUniqueViolation)) throw error;
      const ceiling = Math.min(max, base * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
function safeJson(value) {
  try {
    return value === void 0 ? "" : JSON.stringify(value);
  } catch {
    return "";
  }
}

// src/server/db/notify.ts
import pg from "pg";
async function openNotificationListener(url, channel, onPayload) {
  let closed = false;
  let client = null;
  const connect = async () => {
    const next2 = new pg.Client({ connectionString: url });
    next2.on("notification", (message) => {
      if (message.channel === channel) onPayload(message.payload ?? "");
    });
    next2.on("error", () => {
      if (closed) return;
      client = null;
      next2.end().catch(() => {
      });
      setTimeout(() => void connect().catch(() => {
      }), 500);
    });
    await next2.connect();
    await next2.query(`LISTEN "${channel.replace(/"/g, "")}"`);
    client = next2;
    if (closed) await next2.end();
  };
  await connect();
  return {
    async close() {
      closed = true;
      await client?.end().catch(() => {
      });
    }
  };
}

// src/server/db/client.ts
var DEFAULT_DATABASE_URL = "file:./data/virtual-office.db";
function openDatabase(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL) {
  const provider = databaseProvider(url);
  const prisma = provider === "postgresql" ? new PrismaClient2({
    adapter: new PrismaPg({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) })
  }) : new PrismaClient({
    adapter: new SerializedSqliteAdapterFactory(sqliteFilePath(url), Number(process.env.SQLITE_BUSY_TIMEOUT_MS ?? 5e3))
  });
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const listeners = [];
  return {
    prisma,
    provider,
    url,
    bus,
    transaction: (work, retry) => withRetry(
      // maxWait/timeout are generous because, on SQLite, transactions of one
      // process queue on one connection; they stay tiny in practice.
      () => prisma.$transaction((tx) => work(tx), { maxWait: 2e4, timeout: 2e4 }),
      retry
    ),
    async listen(channel, onPayload) {
      if (provider !== "postgresql") return null;
      const listener = await openNotificationListener(url, channel, onPayload);
      listeners.push(listener);
      return listener;
    },
    async close() {
      await Promise.all(listeners.map((l) => l.close()));
      await prisma.$disconnect();
    }
  };
}

// src/server/db/migrate.ts
import { createHash } from "node:crypto";
import fs from "node:fs";
import path4 from "node:path";
import Database from "better-sqlite3";
import pg2 from "pg";
async function migrateDatabase(databaseUrl, options = {}) {
  const provider = databaseProvider(databaseUrl);
  const dir = options.migrationsDir ?? process.env.VO_MIGRATIONS_DIR ?? path4.join(process.cwd(), "prisma", provider, "migrations");
  const migrations = readMigrations(dir);
  return provider === "postgresql" ? migratePostgres(databaseUrl, migrations) : migrateSqlite(databaseUrl, migrations);
}
function readMigrations(dir) {
  if (!fs.existsSync(dir)) throw new Error(`Migrations folder not found: ${dir}`);
  return fs.readdirSync(dir).filter((name) => fs.existsSync(path4.join(dir, name, "migration.sql"))).sort().map((name) => {
    const sql = fs.readFileSync(path4.join(dir, name, "migration.sql"), "utf8").replace(/\r\n/g, "\n");
    return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
  });
}
function pending(migrations, applied) {
  for (const m of migrations) {
    const recorded = applied.get(m.name);
    if (recorded !== void 0 && recorded !== m.checksum) {
      throw new Error(
        `Migration ${m.name} was changed after it was applied (recorded sha256 ${recorded}, file ${m.checksum}). Restore the file and put the change in a new migration (node scripts/prisma.mjs migration <name>).`
      );
    }
  }
  return migrations.filter((m) => !applied.has(m.name));
}
function migrateSqlite(url, migrations) {
  const file = sqliteFilePath(url);
  if (file !== ":memory:") fs.mkdirSync(path4.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: Number(process.env.SQLITE_BUSY_TIMEOUT_MS ?? 3e4) });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = OFF");
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(`CREATE TABLE IF NOT EXISTS "_vo_migrations" (
        "name" TEXT NOT NULL PRIMARY KEY,
        "checksum" TEXT NOT NULL,
        "appliedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      )`);
      const rows = db.prepare(`SELECT "name", "checksum" FROM "_vo_migrations"`).all();
      const todo = pending(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      const record = db.prepare(`INSERT INTO "_vo_migrations" ("name", "checksum") VALUES (?, ?)`);
      for (const m of todo) {
        try {
          db.exec(m.sql);
        } catch (e) {
          throw new Error(`Migration ${m.name} failed: ${e.message}`, { cause: e });
        }
        record.run(m.name, m.checksum);
      }
      const violations = db.pragma("foreign_key_check");
      if (violations.length > 0) {
        throw new Error(`Migrations left ${violations.length} foreign-key violations: ${JSON.stringify(violations.slice(0, 5))}`);
      }
      db.exec("COMMIT");
      return { applied: todo.map((m) => m.name) };
    } catch (e) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw e;
    }
  } finally {
    db.close();
  }
}
var ADVISORY_LOCK_KEY = "7665764287934223987";
async function migratePostgres(url, migrations) {
  const client = new pg2.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [ADVISORY_LOCK_KEY]);
      await client.query(`CREATE TABLE IF NOT EXISTS "_vo_migrations" (
        "name" TEXT NOT NULL PRIMARY KEY,
        "checksum" TEXT NOT NULL,
        "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query(`SELECT "name", "checksum" FROM "_vo_migrations"`);
      const todo = pending(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      for (const m of todo) {
        try {
          await client.query(m.sql);
        } catch (e) {
          throw new Error(`Migration ${m.name} failed: ${e.message}`, { cause: e });
        }
        await client.query(`INSERT INTO "_vo_migrations" ("name", "checksum") VALUES ($1, $2)`, [m.name, m.checksum]);
      }
      await client.query("COMMIT");
      return { applied: todo.map((m) => m.name) };
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {
      });
      throw e;
    }
  } finally {
    await client.end();
  }
}

// src/domain/events/data.ts
import superjson from "superjson";
var eventFields = {
  seq: true,
  type: true,
  entity: true,
  entityId: true,
  version: true,
  payload: true,
  createdAt: true
};
async function eventsAfter(db, userId, afterSeq, limit = 500) {
  const rows = await db.prisma.event.findMany({
    where: { userId, seq: { gt: afterSeq } },
    orderBy: { seq: "asc" },
    take: limit,
    select: eventFields
  });
  return rows.map((row) => ({ ...row, id: String(row.seq), payload: superjson.parse(row.payload) }));
}
async function eventLogBounds(db, userId) {
  const [counter, oldest] = await Promise.all([
    db.prisma.userCounter.findUnique({ where: { userId }, select: { eventSeq: true } }),
    db.prisma.event.findFirst({ where: { userId }, orderBy: { seq: "asc" }, select: { seq: true } })
  ]);
  return { latest: counter?.eventSeq ?? 0, oldest: oldest?.seq ?? null };
}
async function maxEventRowId(db) {
  const row = await db.prisma.event.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return row?.id ?? 0;
}

// src/domain/events/mutations.ts
import superjson2 from "superjson";
var EVENTS_COMMITTED = "events-committed";
var PG_EVENTS_CHANNEL = "vo_events";
var MissingUserCounter = class extends Error {
};
async function writeForUser(db, userId, work) {
  const run = () => db.transaction(async (tx) => {
    const locked = await tx.userCounter.updateMany({ where: { userId }, data: { lockSeq: { increment: 1 } } });
    if (locked.count !== 1) throw new MissingUserCounter();
    let appended = 0;
    const result = await work(tx, {
      async append(event) {
        appended++;
        return appendEvent(db, tx, userId, event);
      }
    });
    return { result, appended };
  });
  let outcome;
  try {
    outcome = await run();
  } catch (error) {
    if (!(error instanceof MissingUserCounter)) throw error;
    await ensureUserCounter(db, userId);
    outcome = await run();
  }
  if (outcome.appended > 0) db.bus.emit(EVENTS_COMMITTED, userId);
  return outcome.result;
}
async function appendEvent(db, tx, userId, event) {
  const { eventSeq } = await tx.userCounter.update({
    where: { userId },
    data: { eventSeq: { increment: 1 } },
    select: { eventSeq: true }
  });
  await tx.event.create({
    data: {
      userId,
      seq: eventSeq,
      type: event.type,
      entity: event.entity,
      entityId: event.entityId,
      version: event.version,
      payload: superjson2.stringify(event.payload)
    },
    select: { id: true }
  });
  if (db.provider === "postgresql") await tx.$executeRaw`SELECT pg_notify(${PG_EVENTS_CHANNEL}, ${userId})`;
  return eventSeq;
}
async function ensureUserCounter(db, userId) {
  try {
    await db.prisma.userCounter.create({ data: { userId }, select: { userId: true } });
  } catch (error) {
    if (error.code !== "P2002") throw error;
  }
}
async function pruneEvents(db, olderThan) {
  const { count } = await db.prisma.event.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return count;
}

// src/domain/events/schema.ts
import { z } from "zod";
var RESYNC_EVENT_TYPE = "stream.resync";
var streamEventsInput = z.object({ lastEventId: z.string().regex(/^\d{1,15}$/).nullish() }).optional();

// src/domain/events/tailer.ts
var PAGE = 500;
var EventTailer = class {
  #db;
  #pollMs;
  #userGeneration = /* @__PURE__ */ new Map();
  #globalGeneration = 0;
  #waiters = /* @__PURE__ */ new Map();
  #inflight = /* @__PURE__ */ new Map();
  #timer = null;
  #lastMaxId = -1;
  #stopListening = null;
  #onLocalCommit = (userId) => this.wake(userId);
  constructor(db, pollMs = db.provider === "sqlite" ? 100 : 1e3) {
    this.#db = db;
    this.#pollMs = pollMs;
  }
  async start() {
    this.#db.bus.on(EVENTS_COMMITTED, this.#onLocalCommit);
    const listener = await this.#db.listen(PG_EVENTS_CHANNEL, (userId) => this.wake(userId));
    this.#stopListening = listener ? () => listener.close() : null;
    this.#timer = setInterval(() => void this.#poll(), this.#pollMs);
    this.#timer.unref();
  }
  async stop() {
    this.#db.bus.off(EVENTS_COMMITTED, this.#onLocalCommit);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#stopListening?.();
    this.wakeAll();
  }
  generation(userId) {
    return (this.#userGeneration.get(userId) ?? 0) + this.#globalGeneration;
  }
  wake(userId) {
    this.#userGeneration.set(userId, (this.#userGeneration.get(userId) ?? 0) + 1);
    const waiters = this.#waiters.get(userId);
    if (!waiters) return;
    this.#waiters.delete(userId);
    for (const resolve of waiters) resolve();
  }
  wakeAll() {
    this.#globalGeneration++;
    const all = [...this.#waiters.values()];
    this.#waiters.clear();
    for (const waiters of all) for (const resolve of waiters) resolve();
  }
  /** Resolves once the user's generation moves past `seenGeneration`, or on abort. */
  waitForChange(userId, seenGeneration, signal) {
    if (this.generation(userId) !== seenGeneration || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        this.#waiters.get(userId)?.delete(done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      let set = this.#waiters.get(userId);
      if (!set) this.#waiters.set(userId, set = /* @__PURE__ */ new Set());
      set.add(done);
    });
  }
  /** Subscribers of one user at the same cursor share one query. */
  fetchAfter(userId, afterSeq) {
    const key = `${userId}:${afterSeq}`;
    let pending2 = this.#inflight.get(key);
    if (!pending2) {
      pending2 = eventsAfter(this.#db, userId, afterSeq, PAGE).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending2);
    }
    return pending2;
  }
  async #poll() {
    if (this.#waiters.size === 0) return;
    try {
      if (this.#db.provider === "postgresql") {
        this.wakeAll();
        return;
      }
      const maxId = await maxEventRowId(this.#db);
      if (maxId !== this.#lastMaxId) {
        this.#lastMaxId = maxId;
        this.wakeAll();
      }
    } catch {
    }
  }
};
async function* followUserEvents(db, tailer, userId, lastEventId, signal) {
  const bounds = await eventLogBounds(db, userId);
  let cursor = lastEventId == null ? Number.NaN : Number(lastEventId);
  const replayable = Number.isSafeInteger(cursor) && cursor <= bounds.latest && (cursor >= bounds.latest || bounds.oldest !== null && cursor >= bounds.oldest - 1);
  if (!replayable) {
    cursor = bounds.latest;
    yield resyncMarker(cursor);
  }
  while (!signal.aborted) {
    const seen = tailer.generation(userId);
    const batch = await tailer.fetchAfter(userId, cursor);
    for (const event of batch) {
      if (signal.aborted) return;
      yield event;
      cursor = event.seq;
    }
    if (batch.length === PAGE) continue;
    await tailer.waitForChange(userId, seen, signal);
  }
}
function resyncMarker(seq) {
  return {
    id: String(seq),
    seq,
    type: RESYNC_EVENT_TYPE,
    entity: "stream",
    entityId: "",
    version: 0,
    payload: null,
    createdAt: /* @__PURE__ */ new Date()
  };
}

// src/server/auth/auth.ts
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { bearer } from "better-auth/plugins";

// src/server/secrets.ts
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path5 from "node:path";
function loadSecret(envVar, fileName) {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const dir = process.env.VO_SECRETS_DIR || path5.resolve("data");
  const file = path5.join(dir, fileName);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 384 });
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
  }
  let secret = "";
  for (let i = 0; i < 50 && secret.length === 0; i++) secret = readFileSync(file, "utf8").trim();
  if (!secret) throw new Error(`secret file ${file} is empty`);
  return secret;
}

// src/server/auth/auth.ts
function createAuth(db, options) {
  return betterAuth({
    appName: "Virtual Office",
    baseURL: options.origins[0],
    trustedOrigins: options.origins,
    secret: options.secret ?? loadSecret("BETTER_AUTH_SECRET", "auth-secret"),
    database: prismaAdapter(db.prisma, { provider: db.provider }),
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8, maxPasswordLength: 128 },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: process.env.AUTH_RATE_LIMIT !== "off",
      storage: "database",
      window: 60,
      max: 300,
      customRules: { "/sign-in/email": { window: 60, max: 30 }, "/sign-up/email": { window: 60, max: 30 } }
    },
    telemetry: { enabled: false },
    plugins: [bearer()],
    databaseHooks: {
      user: { create: { after: async (user) => ensureUserCounter(db, user.id) } }
    }
  });
}

// src/server/services.ts
async function startServices(options) {
  const db = openDatabase(options.databaseUrl);
  const auth = createAuth(db, { origins: options.origins, secret: options.authSecret });
  const tailer = new EventTailer(db);
  await tailer.start();
  const shutdown = new AbortController();
  return {
    db,
    auth,
    tailer,
    origins: options.origins,
    shutdown: shutdown.signal,
    beginShutdown: () => shutdown.abort(),
    async stop() {
      shutdown.abort();
      await tailer.stop();
      await db.close();
    }
  };
}
function appOrigins(port) {
  const configured = (process.env.APP_ORIGIN ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  return configured.length > 0 ? configured : [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}

// src/server/trpc/context.ts
import { fromNodeHeaders } from "better-auth/node";
async function createContext(services, req) {
  const headers = fromNodeHeaders(req.headers);
  const session = await services.auth.api.getSession({ headers });
  return {
    services,
    userId: session?.user.id ?? null,
    origin: headers.get("origin"),
    fetchSite: headers.get("sec-fetch-site")
  };
}

// src/domain/errors.ts
var DomainError = class extends Error {
  constructor(code, message, details) {
    super(message);
    this.code = code;
    this.details = details;
    this.name = "DomainError";
  }
  code;
  details;
};
var ConflictError = class extends DomainError {
  constructor(message, current) {
    super("CONFLICT", message, { current });
    this.name = "ConflictError";
  }
};
var NotFoundError = class extends DomainError {
  constructor(message) {
    super("NOT_FOUND", message);
    this.name = "NotFoundError";
  }
};
var ValidationError = class extends DomainError {
  constructor(message, fieldErrors) {
    super("BAD_REQUEST", message, { fieldErrors });
    this.name = "ValidationError";
  }
};

// src/domain/account/data.ts
async function getAccount(db, userId) {
  const user = await db.prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, email: true, createdAt: true }
  });
  if (!user) throw new NotFoundError("account not found");
  return user;
}

// src/server/trpc/init.ts
import { initTRPC, TRPCError as TRPCError2 } from "@trpc/server";
import superjson3 from "superjson";

// src/server/trpc/errors.ts
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
var codeFor = {
  BAD_REQUEST: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED: "UNAUTHORIZED"
};
function toTRPCError(error) {
  if (error instanceof TRPCError) return error;
  if (error instanceof DomainError) return new TRPCError({ code: codeFor[error.code], message: error.message, cause: error });
  if (isTransientDbError(error)) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The database stayed busy; the change was not applied. It is safe to retry.",
      cause: error instanceof Error ? error : void 0
    });
  }
  return error;
}
function errorData(cause) {
  if (cause instanceof ZodError) {
    const fieldErrors = {};
    for (const issue of cause.issues) {
      const path6 = issue.path.join(".") || "(input)";
      (fieldErrors[path6] ??= []).push(issue.message);
    }
    return { fieldErrors };
  }
  if (cause instanceof DomainError) {
    const details = cause.details;
    return details?.fieldErrors ? { fieldErrors: details.fieldErrors } : { details };
  }
  return {};
}

// src/server/trpc/init.ts
var t = initTRPC.context().create({
  transformer: superjson3,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data;
    const extra = errorData(error.cause);
    const message = extra.fieldErrors ? `invalid input: ${Object.entries(extra.fieldErrors).map(([field, messages]) => `${field}: ${messages.join(", ")}`).join("; ")}` : shape.message;
    return { ...shape, message, data: { ...data, ...extra } };
  },
  sse: {
    ping: { enabled: true, intervalMs: 1e4 },
    client: { reconnectAfterInactivityMs: 25e3 }
  }
});
var router = t.router;
var createCallerFactory = t.createCallerFactory;
var mapErrors = t.middleware(async ({ next: next2 }) => {
  const result = await next2();
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR" && result.error.cause) {
    throw toTRPCError(result.error.cause);
  }
  return result;
});
var sameOriginMutations = t.middleware(({ ctx, type, next: next2 }) => {
  if (type === "mutation" && isForeignBrowserRequest(ctx.origin, ctx.fetchSite, ctx.services.origins)) {
    throw new TRPCError2({ code: "FORBIDDEN", message: "cross-origin mutation refused" });
  }
  return next2();
});
var publicProcedure = t.procedure.use(mapErrors).use(sameOriginMutations);
var authedProcedure = publicProcedure.use(({ ctx, next: next2 }) => {
  if (!ctx.userId) throw new TRPCError2({ code: "UNAUTHORIZED", message: "sign in first" });
  return next2({ ctx: { ...ctx, userId: ctx.userId } });
});

// src/server/routers/account.ts
var accountRouter = router({
  me: authedProcedure.query(({ ctx }) => getAccount(ctx.services.db, ctx.userId))
});

// src/domain/settings/schema.ts
import { z as z3 } from "zod";

// src/domain/receipts/schema.ts
import { z as z2 } from "zod";
var requestIdSchema = z2.string().min(8).max(128).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, _ . : - only");

// src/domain/settings/schema.ts
var tickerSchema = z3.string().trim().toUpperCase().regex(/^[A-Z0-9][A-Z0-9.\-]{0,11}$/, "a ticker is 1\u201312 characters: A\u2013Z, 0\u20139, '.' or '-'");
var WATCHLIST_MAX = 50;
function isIanaTimeZone(zone) {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.length <= 64;
  } catch {
    return false;
  }
}
var settingSchemas = {
  theme: z3.enum(["system", "light", "dark"]),
  density: z3.enum(["compact", "comfortable", "spacious"]),
  displayTimeZone: z3.string().refine(isIanaTimeZone, "not an IANA time zone (e.g. Europe/London)"),
  chartInterval: z3.enum(["1m", "5m", "15m", "1h", "4h", "1d", "1w"]),
  watchlist: z3.array(tickerSchema).max(WATCHLIST_MAX, `at most ${WATCHLIST_MAX} tickers`).refine((list) => new Set(list).size === list.length, "tickers must be unique"),
  alertCooldownSeconds: z3.number().int("whole seconds").min(0).max(86400, "at most one day (86400 s)"),
  notificationSound: z3.enum(["none", "chime", "bell", "ping"])
};
var settingDefaults = {
  theme: "system",
  density: "comfortable",
  displayTimeZone: "UTC",
  chartInterval: "1h",
  watchlist: [],
  alertCooldownSeconds: 300,
  notificationSound: "chime"
};
var SETTING_KEYS = Object.keys(settingSchemas);
var settingKeySchema = z3.enum(SETTING_KEYS);
var writeOptions = {
  /** The version the client last saw (0 = never set); stale → CONFLICT. */
  expectedVersion: z3.number().int().min(0).optional(),
  requestId: requestIdSchema.optional()
};
var setVariant = (key) => z3.object({ key: z3.literal(key), value: settingSchemas[key], ...writeOptions });
var setSettingInput = z3.discriminatedUnion("key", [
  setVariant("theme"),
  setVariant("density"),
  setVariant("displayTimeZone"),
  setVariant("chartInterval"),
  setVariant("watchlist"),
  setVariant("alertCooldownSeconds"),
  setVariant("notificationSound")
]);
var settingKeyInput = z3.object({ key: settingKeySchema });
var deleteSettingInput = z3.object({ key: settingKeySchema, ...writeOptions });
var revertSettingInput = z3.object({ key: settingKeySchema, toVersion: z3.number().int().min(1), ...writeOptions });

// src/domain/settings/data.ts
var settingFields = { key: true, value: true, version: true, updatedAt: true };
function toSettingView(key, row) {
  if (!row) return { key, value: settingDefaults[key], version: 0, isDefault: true, updatedAt: null };
  const parsed = row.value === null ? null : settingSchemas[key].safeParse(JSON.parse(row.value));
  return parsed?.success ? { key, value: parsed.data, version: row.version, isDefault: false, updatedAt: row.updatedAt } : { key, value: settingDefaults[key], version: row.version, isDefault: true, updatedAt: row.updatedAt };
}
async function getSetting(db, userId, key) {
  const row = await db.prisma.setting.findUnique({ where: { userId_key: { userId, key } }, select: settingFields });
  return toSettingView(key, row);
}
async function listSettings(db, userId) {
  const rows = await db.prisma.setting.findMany({ where: { userId }, select: settingFields });
  const byKey = new Map(rows.map((row) => [row.key, row]));
  return SETTING_KEYS.map((key) => toSettingView(key, byKey.get(key) ?? null));
}
async function settingHistory(db, userId, key, limit = 50) {
  const rows = await db.prisma.settingRevision.findMany({
    where: { userId, key },
    orderBy: { version: "desc" },
    take: limit,
    select: { version: true, value: true, action: true, createdAt: true }
  });
  return rows.map((row) => ({
    key,
    version: row.version,
    value: row.value === null ? settingDefaults[key] : JSON.parse(row.value),
    isDefault: row.value === null,
    action: row.action,
    createdAt: row.createdAt
  }));
}
function unknownRevision(key, version) {
  return new NotFoundError(`setting "${key}" has no version ${version}`);
}

// src/domain/receipts/mutations.ts
import superjson4 from "superjson";
async function findReceipt(tx, userId, requestId, operation) {
  const receipt = await tx.mutationReceipt.findUnique({
    where: { userId_requestId: { userId, requestId } },
    select: { operation: true, response: true }
  });
  if (!receipt) return void 0;
  if (receipt.operation !== operation) {
    throw new DomainError("BAD_REQUEST", `requestId was already used for a different operation (${receipt.operation})`);
  }
  return superjson4.parse(receipt.response);
}
async function storeReceipt(tx, userId, requestId, operation, response) {
  await tx.mutationReceipt.create({
    data: { userId, requestId, operation, response: superjson4.stringify(response) },
    select: { requestId: true }
  });
}
async function pruneReceipts(db, olderThan) {
  const { count } = await db.prisma.mutationReceipt.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return count;
}

// src/domain/settings/mutations.ts
function setSetting(db, userId, input) {
  const parsed = settingSchemas[input.key].safeParse(input.value);
  if (!parsed.success) {
    throw new ValidationError(`invalid value for setting "${input.key}"`, {
      value: parsed.error.issues.map((issue) => issue.message)
    });
  }
  return writeSetting(db, userId, { ...input, json: JSON.stringify(parsed.data), action: "set" });
}
function deleteSetting(db, userId, input) {
  return writeSetting(db, userId, { ...input, json: null, action: "delete" });
}
function revertSetting(db, userId, input) {
  return writeSetting(db, userId, { ...input, json: null, action: "revert" }, input.toVersion);
}
function writeSetting(db, userId, request, revertTo) {
  const operation = `settings.${request.action}:${request.key}`;
  return writeForUser(db, userId, async (tx, log2) => {
    if (request.requestId) {
      const replay = await findReceipt(tx, userId, request.requestId, operation);
      if (replay) return replay;
    }
    const json = revertTo === void 0 ? request.json : await revisionValue(tx, userId, request.key, revertTo);
    const view = await writeVersioned(tx, log2, userId, { ...request, json });
    if (request.requestId) await storeReceipt(tx, userId, request.requestId, operation, view);
    return view;
  });
}
async function revisionValue(tx, userId, key, version) {
  const revision = await tx.settingRevision.findUnique({
    where: { userId_key_version: { userId, key, version } },
    select: { value: true }
  });
  if (!revision) throw unknownRevision(key, version);
  if (revision.value !== null && !settingSchemas[key].safeParse(JSON.parse(revision.value)).success) {
    throw new ValidationError(`version ${version} of "${key}" is no longer a valid value`, { toVersion: ["no longer valid"] });
  }
  return revision.value;
}
var storedFields = { value: true, version: true, updatedAt: true };
async function writeVersioned(tx, log2, userId, request) {
  const { key, json } = request;
  const where = { userId_key: { userId, key } };
  const current = await tx.setting.findUnique({ where, select: storedFields });
  const currentVersion = current?.version ?? 0;
  if (request.expectedVersion !== void 0 && request.expectedVersion !== currentVersion) {
    throw new ConflictError(`setting "${key}" changed: version ${currentVersion}, not ${request.expectedVersion}`, toSettingView(key, current));
  }
  const written = { value: json, version: currentVersion + 1, updatedAt: /* @__PURE__ */ new Date() };
  if (current) {
    const { count } = await tx.setting.updateMany({ where: { userId, key, version: currentVersion }, data: written });
    if (count !== 1) {
      const now = await tx.setting.findUnique({ where, select: storedFields });
      throw new ConflictError(`setting "${key}" changed during the write`, toSettingView(key, now));
    }
  } else {
    await tx.setting.create({ data: { userId, key, ...written }, select: { version: true } });
  }
  await tx.settingRevision.create({
    data: { userId, key, version: written.version, value: json, action: request.action },
    select: { version: true }
  });
  const view = toSettingView(key, written);
  await log2.append({ type: `setting.${request.action}`, entity: "setting", entityId: key, version: written.version, payload: view });
  return view;
}

// src/server/routers/settings.ts
var settingsRouter = router({
  list: authedProcedure.query(({ ctx }) => listSettings(ctx.services.db, ctx.userId)),
  get: authedProcedure.input(settingKeyInput).query(({ ctx, input }) => getSetting(ctx.services.db, ctx.userId, input.key)),
  history: authedProcedure.input(settingKeyInput).query(({ ctx, input }) => settingHistory(ctx.services.db, ctx.userId, input.key)),
  set: authedProcedure.input(setSettingInput).mutation(({ ctx, input }) => setSetting(ctx.services.db, ctx.userId, input)),
  delete: authedProcedure.input(deleteSettingInput).mutation(({ ctx, input }) => deleteSetting(ctx.services.db, ctx.userId, input)),
  revert: authedProcedure.input(revertSettingInput).mutation(({ ctx, input }) => revertSetting(ctx.services.db, ctx.userId, input))
});

// src/server/routers/stream.ts
import { tracked } from "@trpc/server";
var streamRouter = router({
  /** Replays what the client missed since lastEventId, then follows live (SSE). */
  events: authedProcedure.input(streamEventsInput).subscription(async function* ({ ctx, input, signal }) {
    const { db, tailer, shutdown } = ctx.services;
    const stop = AbortSignal.any([signal ?? new AbortController().signal, shutdown]);
    for await (const event of followUserEvents(db, tailer, ctx.userId, input?.lastEventId, stop)) {
      yield tracked(event.id, event);
    }
  })
});

// src/server/trpc/root.ts
var appRouter = router({
  account: accountRouter,
  settings: settingsRouter,
  stream: streamRouter
});
var createCaller = createCallerFactory(appRouter);

// src/worker/retention.ts
var HOUR = 60 * 60 * 1e3;
function startRetention(db, options = retentionOptions()) {
  const run = async () => {
    const now = Date.now();
    try {
      await pruneEvents(db, new Date(now - options.eventRetentionMs));
      await pruneReceipts(db, new Date(now - options.receiptRetentionMs));
    } catch (error) {
      console.error("[retention] failed; will retry next interval:", error.message);
    }
  };
  const first = setTimeout(run, 5e3);
  const timer = setInterval(run, options.intervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
function retentionOptions() {
  return {
    eventRetentionMs: Number(process.env.EVENT_RETENTION_HOURS ?? 24 * 7) * HOUR,
    receiptRetentionMs: Number(process.env.RECEIPT_RETENTION_HOURS ?? 24) * HOUR,
    intervalMs: HOUR
  };
}

// server.ts
async function main() {
  const port = Number(process.env.PORT ?? 3e3);
  const host = process.env.HOST ?? "0.0.0.0";
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const apiOnly = process.env.VO_API_ONLY === "1";
  const { applied } = await migrateDatabase(databaseUrl);
  if (applied.length > 0) log(`applied migrations: ${applied.join(", ")}`);
  const services = await startServices({ databaseUrl, origins: appOrigins(port) });
  const stopRetention = startRetention(services.db);
  let pages = null;
  if (!apiOnly) {
    const app = next({ dev: process.env.NODE_ENV === "development", hostname: "localhost", port });
    await app.prepare();
    pages = app.getRequestHandler();
  }
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: ({ req }) => createContext(services, req),
    onError({ error, path: path6 }) {
      if (error.code === "INTERNAL_SERVER_ERROR") log(`tRPC ${path6 ?? "?"} failed: ${error.message}`);
    }
  });
  const auth = toNodeHandler(services.auth);
  const inProgress = /* @__PURE__ */ new Map();
  let stopping = false;
  const server = http.createServer((req, res) => {
    const socket = req.socket;
    inProgress.set(socket, (inProgress.get(socket) ?? 0) + 1);
    if (stopping) res.shouldKeepAlive = false;
    res.once("close", () => {
      if (!inProgress.has(socket)) return;
      const left = (inProgress.get(socket) ?? 1) - 1;
      inProgress.set(socket, left);
      if (stopping && left === 0) socket.end();
    });
    const url = req.url ?? "/";
    if (url.startsWith("/api/trpc/")) return void trpc(req, res);
    if (url.startsWith("/api/auth/")) {
      const origin = req.headers.origin ?? null;
      const site = req.headers["sec-fetch-site"] ?? null;
      if (req.method !== "GET" && isForeignBrowserRequest(origin, site, services.origins)) {
        res.writeHead(403, { "content-type": "application/json" }).end('{"message":"cross-origin request refused"}');
        return;
      }
      return void auth(req, res);
    }
    if (url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (pages) return void pages(req, res);
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 65e3;
  server.on("connection", (socket) => {
    if (stopping) return void socket.destroy();
    inProgress.set(socket, 0);
    socket.once("close", () => inProgress.delete(socket));
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  log(`Virtual Office on http://localhost:${port} (${services.db.provider}${apiOnly ? ", API only" : ""}, pid ${process.pid})`);
  const shutdown = async (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: draining`);
    const closed = new Promise((resolve) => server.close(() => resolve()));
    stopRetention();
    services.beginShutdown();
    for (const [socket, busy] of inProgress) if (busy === 0) socket.destroy();
    const forced = setTimeout(() => server.closeAllConnections(), 1e4);
    await closed;
    clearTimeout(forced);
    await services.stop();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
function log(message) {
  console.log(`[virtual-office] ${message}`);
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});

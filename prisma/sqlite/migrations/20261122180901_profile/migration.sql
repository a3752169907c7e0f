-- CreateTable
CREATE TABLE "profile" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "displayName" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "timezone" TEXT,
    "locale" TEXT,
    "baseCurrency" TEXT,
    "bio" TEXT,
    "experience" TEXT,
    "displayNameChangedAt" DATETIME,
    "emailChangedAt" DATETIME,
    "phoneChangedAt" DATETIME,
    "timezoneChangedAt" DATETIME,
    "localeChangedAt" DATETIME,
    "baseCurrencyChangedAt" DATETIME,
    "bioChangedAt" DATETIME,
    "experienceChangedAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "profile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);


-- CreateTable
CREATE TABLE "profile" (
    "userId" TEXT NOT NULL,
    "displayName" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "timezone" TEXT,
    "locale" TEXT,
    "baseCurrency" TEXT,
    "bio" TEXT,
    "experience" TEXT,
    "displayNameChangedAt" TIMESTAMP(3),
    "emailChangedAt" TIMESTAMP(3),
    "phoneChangedAt" TIMESTAMP(3),
    "timezoneChangedAt" TIMESTAMP(3),
    "localeChangedAt" TIMESTAMP(3),
    "baseCurrencyChangedAt" TIMESTAMP(3),
    "bioChangedAt" TIMESTAMP(3),
    "experienceChangedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "profile_pkey" PRIMARY KEY ("userId")
);

-- AddForeignKey
ALTER TABLE "profile" ADD CONSTRAINT "profile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;


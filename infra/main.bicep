// Bkmark on Azure: a Flex Consumption function app, its storage account (tables for the data, queues and a
// blob container for the deployment package), a Key Vault holding the app's secrets, Application Insights,
// and one user-assigned managed identity that reaches all of them with roles instead of keys.
// Deploy with `az deployment group create` (README "Deploying to Azure"); publish the code with
// `func azure functionapp publish`.

@description('Prefix for every resource name; lower-case letters and digits.')
@minLength(3)
@maxLength(11)
param namePrefix string

@description('Region for every resource.')
param location string = resourceGroup().location

@description('Issuer and audience of access tokens: the public base URL of the API.')
param tokenIssuer string

@description('WebAuthn relying party id: the site\'s registrable domain, e.g. bkmark.example.')
param passkeyRelyingPartyId string

@description('The origin browsers use for passkeys, e.g. https://bkmark.example.')
param passkeyOrigin string

@description('ES256 signing key for access tokens: PKCS#8 DER, base64.')
@secure()
param jwtSigningKey string

@description('HMAC pepper for credential hashes: 32 random bytes, base64.')
@secure()
param credentialPepper string

@description('AES-256 key that encrypts TOTP secrets at rest: 32 random bytes, base64.')
@secure()
param totpEncryptionKey string

@description('AES-256 key that seals the links of queued emails until they are sent: 32 random bytes, base64.')
@secure()
param emailOutboxKey string

@description('Password of the SMTP relay that sends account email (Azure Communication Services: the Entra app\'s client secret). Stored in Key Vault as smtp-password; the app reads it from there.')
@secure()
param smtpPassword string

@description('SMTP relay host: Azure Communication Services\' is smtp.azurecomm.net.')
param smtpHost string = 'smtp.azurecomm.net'

@description('SMTP relay port: 587 (STARTTLS) for Azure Communication Services.')
param smtpPort int = 587

@description('SMTP user name: for Azure Communication Services, the SMTP username of the Communication resource (or <resource>.<Entra app id>.<tenant id>).')
param smtpUserName string

@description('The sender, e.g. "Bkmark <DoNotReply@mail.bkmark.example>": an address of a domain verified for the relay.')
param smtpFrom string

@description('Where people open Bkmark; every link in an email points under it.')
param publicUrl string = passkeyOrigin

@description('NCRONTAB schedule of the expiry sweep.')
param sweepSchedule string = '0 */15 * * * *'

@description('Largest request body the Functions host accepts, in bytes: just above the 5 MiB import limit, so the host never buffers more than the app could use.')
param requestBodySizeLimit int = 5308416

@description('Storage accounts that hold the data (DESIGN §19). 1: the one account that also holds the queues and the package, as always. N > 1: N - 1 more accounts for tables only, and the app spreads entities over all N by a fixed range table over the hash of their partition key. Fixed once data is written: changing it moves data (docs/scale.md).')
@minValue(1)
@maxValue(16)
param dataAccountCount int = 1

@description('Share of traces kept (OTEL_TRACES_SAMPLER_ARG, parent-based trace-id ratio): every verify is a trace, and exporting all of them costs the request path more than the 5 % telemetry budget (README "Performance"). Metrics are always complete.')
param traceSampleRatio string = '0.05'

@description('Most instances Flex Consumption may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

var suffix = uniqueString(resourceGroup().id, namePrefix)
var storageAccountName = take('${namePrefix}st${suffix}', 24)
var vaultName = take('${namePrefix}-kv-${suffix}', 24)
var deploymentContainerName = 'app-package'
// The data accounts after the first (which is `storage`), by name; their table endpoints follow from the name.
var extraDataAccountNames = [for i in range(1, dataAccountCount - 1): take('${namePrefix}d${i}${suffix}', 24)]
var tableEndpointSuffix = 'table.${environment().suffixes.storage}'
// Storage__Accounts__N only with several accounts: with one, the app keeps reading Storage__TableServiceUri.
var dataAccountSettings = [
  for i in range(0, dataAccountCount > 1 ? dataAccountCount : 0): {
    name: 'Storage__Accounts__${i}'
    value: 'https://${i == 0 ? storageAccountName : extraDataAccountNames[i - 1]}.${tableEndpointSuffix}/'
  }
]

// Built-in role ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-id-${suffix}'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // Every client (the host, the app, the deployment) signs in with the managed identity.
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

// Tables only, signed into by identity like the first account.
resource extraDataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = [
  for name in extraDataAccountNames: {
    name: name
    location: location
    kind: 'StorageV2'
    sku: {
      name: 'Standard_LRS'
    }
    properties: {
      allowSharedKeyAccess: false
      allowBlobPublicAccess: false
      minimumTlsVersion: 'TLS1_2'
      supportsHttpsTrafficOnly: true
    }
  }
]

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

// The names the app reads (DESIGN.md §1, Configuration and secrets).
var secrets = {
  'jwt-signing-key': jwtSigningKey
  'credential-pepper': credentialPepper
  'totp-encryption-key': totpEncryptionKey
  'email-outbox-key': emailOutboxKey
  'smtp-password': smtpPassword
}

resource vaultSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in items(secrets): {
    parent: vault
    name: secret.key
    properties: {
      value: secret.value
    }
  }
]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-log-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-ai-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    // Telemetry only from the app's identity, not from anyone holding the connection string.
    DisableLocalAuth: true
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${namePrefix}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${namePrefix}-func-${suffix}'
  location: location
  kind: 'functionapp,linux'
  // How `azd deploy` (azure.yaml's service "api") finds the app to deploy to.
  tags: {
    'azd-service-name': 'api'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      // No healthCheckPath: App Service's health check (which takes an instance out of rotation) is not offered on
      // the Flex Consumption plan. GET /api/health is there for an availability test or a front door's probe.
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat([
        // The host's own storage, by identity (no connection string, no key).
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        // DefaultAzureCredential in the app picks the user-assigned identity by this id.
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' }
        { name: 'OTEL_TRACES_SAMPLER_ARG', value: traceSampleRatio }
        { name: 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT', value: string(requestBodySizeLimit) }
        { name: 'Storage__TableServiceUri', value: storage.properties.primaryEndpoints.table }
        { name: 'KeyVault__Uri', value: vault.properties.vaultUri }
        // The outbox queue, by identity like the tables. The SMTP password is not a setting: the app reads the
        // vault's smtp-password itself (KeyVault__Uri), as it reads its other secrets.
        { name: 'Storage__QueueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'Email__OutboxQueue', value: 'email-outbox' }
        { name: 'Email__Smtp__Host', value: smtpHost }
        { name: 'Email__Smtp__Port', value: string(smtpPort) }
        { name: 'Email__Smtp__UserName', value: smtpUserName }
        { name: 'Email__Smtp__From', value: smtpFrom }
        { name: 'App__PublicUrl', value: publicUrl }
        { name: 'Tokens__Issuer', value: tokenIssuer }
        { name: 'Tokens__Audience', value: tokenIssuer }
        { name: 'Passkeys__RelyingPartyId', value: passkeyRelyingPartyId }
        { name: 'Passkeys__Origins__0', value: passkeyOrigin }
        // The real host resolves a timer's %Setting% from app settings only.
        { name: 'Sweep__Schedule', value: sweepSchedule }
        { name: 'Sweep__BackfillSchedule', value: '0 0 0 1 1 *' }
      ], dataAccountSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
  // The host reads its storage and the vault at start-up: the rights must exist before it does.
  dependsOn: [
    deploymentContainer
    tableService
    queueService
    vaultSecrets
    storageRoles
    extraDataStorageRoles
    vaultSecretsUser
  ]
}

// The identity's rights: its own storage (package blobs, queues, tables), reading secrets, sending telemetry.
resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The same table rights in every further data account.
resource extraDataStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for i in range(0, dataAccountCount - 1): {
    name: guid(extraDataStorage[i].id, identity.id, roles.storageTableDataContributor)
    scope: extraDataStorage[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource insightsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = app.name
output functionAppUrl string = 'https://${app.properties.defaultHostName}'
output keyVaultName string = vault.name
output storageAccountName string = storage.name
output dataStorageAccountNames array = concat([storage.name], extraDataAccountNames)

"""The directive and section names that Apache httpd 2.4 modules provide.

The list is the output of `apache2 -L` for Apache httpd 2.4.71 (Debian 12
package 2.4.71-1~deb12u1) with every module the package ships loaded, once
for each MPM (event, worker, prefork). It covers core, the mod_proxy family,
mod_headers, mod_rewrite, mod_ssl, mod_setenvif, mod_alias, mod_deflate,
mod_reqtimeout, mod_log_config, the mod_authz_* and mod_authn_* modules,
mod_dir, mod_mime, mod_filter, mod_env, mod_remoteip, mod_http2, the MPMs and
the other modules of Debian's and RHEL's stock configurations. Section names
are listed without the `<`.

httpd refuses to start on a name that no loaded module provides ("Invalid
command"). Third-party modules add names that are not listed here, so the
loader reports only a name that is a close match to a listed one.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

NAMES = tuple(
    """
    /ul> AcceptFilter AcceptPathInfo AccessFileName Action AddAlt AddAltByEncoding
    AddAltByType AddCharset AddDefaultCharset AddDescription AddEncoding AddHandler
    AddIcon AddIconByEncoding AddIconByType AddInputFilter AddLanguage AddModuleInfo
    AddOutputFilter AddOutputFilterByType AddType AH00558: Alias AliasMatch
    AliasPreservePath allow AllowCONNECT AllowEncodedSlashes AllowMethods AllowOverride
    AllowOverrideList Anonymous Anonymous_LogEmail Anonymous_MustGiveEmail
    Anonymous_NoUserId Anonymous_VerifyEmail AsyncRequestWorkerFactor
    AuthBasicAuthoritative AuthBasicFake AuthBasicProvider AuthBasicUseDigestAlgorithm
    AuthDBDUserPWQuery AuthDBDUserRealmQuery AuthDBMGroupFile AuthDBMType
    AuthDBMUserFile AuthDigestAlgorithm AuthDigestDomain AuthDigestNcCheck
    AuthDigestNonceLifetime AuthDigestProvider AuthDigestQop AuthDigestShmemSize
    AuthFormAuthoritative AuthFormBody AuthFormDisableNoStore AuthFormFakeBasicAuth
    AuthFormLocation AuthFormLoginRequiredLocation AuthFormLoginSuccessLocation
    AuthFormLogoutLocation AuthFormMethod AuthFormMimetype AuthFormPassword
    AuthFormProvider AuthFormSitePassphrase AuthFormSize AuthFormUsername AuthGroupFile
    AuthLDAPAuthorizePrefix AuthLDAPBindAuthoritative AuthLDAPBindDN
    AuthLDAPBindPassword AuthLDAPCharsetConfig AuthLDAPCompareAsUser
    AuthLDAPCompareDNOnServer AuthLDAPDereferenceAliases AuthLDAPGroupAttribute
    AuthLDAPGroupAttributeIsDN AuthLDAPInitialBindAsUser AuthLDAPInitialBindPattern
    AuthLDAPMaxSubGroupDepth AuthLDAPRemoteUserAttribute AuthLDAPRemoteUserIsDN
    AuthLDAPSearchAsUser AuthLDAPSubGroupAttribute AuthLDAPSubGroupClass AuthLDAPURL
    AuthMerging AuthName AuthnCacheContext AuthnCacheEnable AuthnCacheProvideFor
    AuthnCacheSOCache AuthnCacheTimeout AuthnProviderAlias AuthnzFcgiCheckAuthnProvider
    AuthnzFcgiDefineProvider AuthType AuthUserFile AuthzDBDLoginToReferer AuthzDBDQuery
    AuthzDBDRedirectQuery AuthzDBMType AuthzProviderAlias AuthzSendForbiddenOnFailure
    BalancerGrowth BalancerInherit BalancerMember BalancerPersist be BrotliAlterETag
    BrotliCompressionMaxInputBlock BrotliCompressionQuality BrotliCompressionWindow
    BrotliFilterNote BrowserMatch BrowserMatchNoCase BufferedLogs BufferSize
    CacheDefaultExpire CacheDetailHeader CacheDirLength CacheDirLevels CacheDisable
    CacheEnable cachefile CacheHeader CacheIgnoreCacheControl CacheIgnoreHeaders
    CacheIgnoreNoLastMod CacheIgnoreQueryString CacheIgnoreURLSessionIdentifiers
    CacheKeyBaseURL CacheLastModifiedFactor CacheLock CacheLockMaxAge CacheLockPath
    CacheMaxExpire CacheMaxFileSize CacheMinExpire CacheMinFileSize CacheNegotiatedDocs
    CacheQuickHandler CacheReadSize CacheReadTime CacheRoot CacheSocache
    CacheSocacheMaxSize CacheSocacheMaxTime CacheSocacheMinTime CacheSocacheReadSize
    CacheSocacheReadTime CacheStaleOnError CacheStoreExpired CacheStoreNoStore
    CacheStorePrivate CaseFilter CaseFilterIn CGIDScriptTimeout CGIPassAuth
    CGIScriptTimeout CGIVar CharsetDefault CharsetOptions CharsetSourceEnc
    CheckBasenameMatch CheckCaseOnly CheckSpelling ChrootDir ContentDigest CookieDomain
    CookieExpires CookieHttpOnly CookieName CookieSameSite CookieSecure CookieStyle
    CookieTracking CoreDumpDirectory CustomLog DAV DAVBasePath DAVDepthInfinity
    DAVGenericLockDB DAVLockDB DAVLockDiscovery DAVMinTimeout DBDExptime DBDInitSQL
    DBDKeep DBDMax DBDMin DBDParams DBDPersist DBDPrepareSQL DBDriver DefaultIcon
    DefaultLanguage DefaultRuntimeDir DefaultType Define DeflateAlterEtag
    DeflateBufferSize DeflateCompressionLevel DeflateFilterNote
    DeflateInflateLimitRequestBody DeflateInflateRatioBurst DeflateInflateRatioLimit
    DeflateMemLevel DeflateWindowSize deny Directory DirectoryCheckHandler
    DirectoryIndex DirectoryIndexRedirect DirectoryMatch DirectorySlash DocumentRoot
    DumpIOInput DumpIOOutput Else ElseIf EnableMMAP EnableSendfile Error ErrorDocument
    ErrorLog ErrorLogFormat ExpiresActive ExpiresByType ExpiresDefault ExtendedStatus
    ExtFilterDefine ExtFilterOptions FallbackResource FancyIndexing FileETag Files
    FilesMatch FilterChain FilterDeclare FilterProtocol FilterProvider FilterTrace
    FlushMaxPipelined FlushMaxThreshold ForceLanguagePriority ForceType ForensicLog
    GlobalLog GracefulShutdownTimeout Group H2CopyFiles H2Direct H2EarlyHint
    H2EarlyHints H2MaxDataFrameLen H2MaxHeaderBlockLen H2MaxSessionStreams
    H2MaxStreamErrors H2MaxWorkerIdleSeconds H2MaxWorkers H2MinWorkers H2ModernTLSOnly
    H2OutputBuffering H2Padding H2ProxyRequests H2Push H2PushDiarySize H2PushPriority
    H2PushResource H2SerializeHeaders H2SessionExtraFiles H2StreamMaxMemSize
    H2StreamTimeout H2TLSCoolDownSecs H2TLSWarmUpSize H2Upgrade H2WebSockets
    H2WindowSize Header HeaderName HeartbeatAddress HeartbeatListen HeartbeatMaxServers
    HeartbeatStorage HostnameLookups HttpProtocolOptions IdentityCheck
    IdentityCheckTimeout If IfDefine IfDirective IfFile IfModule IfSection IfVersion
    ImapBase ImapDefault ImapMenu Include IncludeOptional IndexHeadInsert IndexIgnore
    IndexIgnoreReset IndexOptions IndexOrderDefault IndexStyleSheet InputSed is
    KeepAlive KeepAliveTimeout KeptBodySize LanguagePriority LDAP LDAPCacheEntries
    LDAPCacheTTL LDAPConnectionPoolTTL LDAPConnectionTimeout LDAPLibraryDebug
    LDAPOpCacheEntries LDAPOpCacheTTL LDAPReferralHopLimit LDAPReferrals LDAPRetries
    LDAPRetryDelay LDAPSharedCacheFile LDAPSharedCacheSize LDAPTimeout
    LDAPTrustedClientCert LDAPTrustedGlobalCert LDAPTrustedMode LDAPVerifyServerCert
    li>Attrib li>basedn li>Filter li>Host li>Port li>Scope Limit LimitExcept
    LimitInternalRecursion LimitRequestBody LimitRequestFields LimitRequestFieldsize
    LimitRequestLine LimitXMLRequestBody Listen ListenBacklog ListenCoresBucketsRatio
    ListenTCPDeferAccept LoadFile LoadModule Location LocationMatch LogFormat
    LogIOTrackTTFB LogLevel LogMessage Lua_____ByteCodeHack LuaAuthzProvider
    LuaCodeCache LuaHookAccessChecker LuaHookAuthChecker LuaHookCheckUserID
    LuaHookFixups LuaHookInsertFilter LuaHookLog LuaHookMapToStorage
    LuaHookPreTranslateName LuaHookTranslateName LuaHookTypeChecker LuaInherit
    LuaInputFilter LuaMapHandler LuaOutputFilter LuaPackageCPath LuaPackagePath
    LuaQuickHandler LuaRoot LuaScope Macro MacroIgnoreBadNesting MacroIgnoreEmptyArgs
    MaxClients MaxConnectionsPerChild MaxKeepAliveRequests MaxMemFree MaxRangeOverlaps
    MaxRangeReversals MaxRanges MaxRequestsPerChild MaxRequestWorkers MaxSpareServers
    MaxSpareThreads MDActivationDelay MDBaseServer MDCACertificateFile MDCAChallenges
    MDCertificateAgreement MDCertificateAuthority MDCertificateCheck MDCertificateFile
    MDCertificateKeyFile MDCertificateProtocol MDCertificateStatus MDChallengeDns01
    MDChallengeDns01Version MDCheckInterval MDContactEmail MDDriveMode
    MDExternalAccountBinding MDHttpProxy MDHttpProxyCACertificateFile MDInitialDelay
    MDMatchNames MDMember MDMembers MDMessageCmd MDMustStaple MDNotifyCmd MDomain
    MDomainSet MDPortMap MDPrivateKeys MDProfile MDProfileMandatory MDRenewMode
    MDRenewViaARI MDRenewWindow MDRequireHttps MDRetryDelay MDRetryFailover
    MDServerStatus MDStapleOthers MDStapling MDStaplingKeepResponse
    MDStaplingRenewWindow MDStoreDir MDStoreLocks MDWarnWindow MemcacheConnTTL
    MergeSlashes MergeTrailers MetaDir MetaFiles MetaSuffix MimeMagicFile
    MinSpareServers MinSpareThreads mmapfile ModemStandard ModMimeUsePathInfo
    MultiviewsMatch Mutex NameVirtualHost NoProxy Options order OutputSed PassEnv
    PidFile Port Protocol ProtocolEcho Protocols ProtocolsHonorOrder Proxy
    Proxy100Continue ProxyAddHeaders ProxyBadHeader ProxyBlock ProxyDomain
    ProxyErrorOverride ProxyExpressDBMFile ProxyExpressDBMType ProxyExpressEnable
    ProxyFCGIBackendType ProxyFCGISetEnvIf ProxyFtpDirCharset ProxyFtpEscapeWildcards
    ProxyFtpListOnWildcard ProxyHCExpr ProxyHCTemplate ProxyHCTPsize ProxyHTMLBufSize
    ProxyHTMLCharsetOut ProxyHTMLDoctype ProxyHTMLEnable ProxyHTMLEvents
    ProxyHTMLExtended ProxyHTMLFixups ProxyHTMLInterp ProxyHTMLLinks ProxyHTMLMeta
    ProxyHTMLStripComments ProxyHTMLURLMap ProxyIOBufferSize ProxyMatch ProxyMaxForwards
    ProxyPass ProxyPassInherit ProxyPassInterpolateEnv ProxyPassMatch ProxyPassReverse
    ProxyPassReverseCookieDomain ProxyPassReverseCookiePath ProxyPreserveHost
    ProxyReceiveBufferSize ProxyRemote ProxyRemoteMatch ProxyRequests
    ProxySCGIInternalRedirect ProxySCGISendfile ProxySet ProxySourceAddress ProxyStatus
    ProxyTimeout ProxyVia ProxyWebsocketFallbackToProxyHttp QualifyRedirectURL
    ReadBufferSize ReadmeName ReceiveBufferSize Redirect RedirectMatch RedirectPermanent
    RedirectRelative RedirectTemp RedisConnPoolTTL RedisTimeout ReflectorHeader
    RegexDefaultOptions RegisterHttpMethod RemoteIPHeader RemoteIPInternalProxy
    RemoteIPInternalProxyList RemoteIPProxiesHeader RemoteIPProxyProtocol
    RemoteIPProxyProtocolExceptions RemoteIPTrustedProxy RemoteIPTrustedProxyList
    RemoveCharset RemoveEncoding RemoveHandler RemoveInputFilter RemoveLanguage
    RemoveOutputFilter RemoveType RequestHeader RequestReadTimeout Require RequireAll
    RequireAny RequireNone RewriteBase RewriteCond RewriteEngine RewriteMap
    RewriteOptions RewriteRule RLimitCPU RLimitMEM RLimitNPROC Satisfy ScoreBoardFile
    Script ScriptAlias ScriptAliasMatch ScriptLog ScriptLogBuffer ScriptLogLength
    ScriptSock Searches SeeRequestTail SendBufferSize ServerAdmin ServerAlias
    ServerLimit ServerName ServerPath ServerRoot ServerSignature ServerTokens Session
    SessionCookieName SessionCookieName2 SessionCookieRemove SessionCryptoCipher
    SessionCryptoDriver SessionCryptoPassphrase SessionCryptoPassphraseFile
    SessionDBDCookieName SessionDBDCookieName2 SessionDBDCookieRemove
    SessionDBDDeleteLabel SessionDBDInsertLabel SessionDBDPerUser SessionDBDSelectLabel
    SessionDBDUpdateLabel SessionEnv SessionExclude SessionExpiryUpdateInterval
    SessionHeader SessionInclude SessionMaxAge SetEnv SetEnvIf SetEnvIfExpr
    SetEnvIfNoCase SetHandler SetInputFilter SetOutputFilter SSIEndTag SSIErrorMsg
    SSIEtag SSILastModified SSILegacyExprParser SSIStartTag SSITimeFormat
    SSIUndefinedEcho SSLCACertificateFile SSLCACertificatePath SSLCADNRequestFile
    SSLCADNRequestPath SSLCARevocationCheck SSLCARevocationFile SSLCARevocationPath
    SSLCertificateChainFile SSLCertificateFile SSLCertificateKeyFile SSLCipherSuite
    SSLCompression SSLCryptoDevice SSLEngine SSLFIPS SSLHonorCipherOrder
    SSLInsecureRenegotiation SSLLog SSLLogLevel SSLOCSPDefaultResponder SSLOCSPEnable
    SSLOCSPNoVerify SSLOCSPOverrideResponder SSLOCSPProxyURL
    SSLOCSPResponderCertificateFile SSLOCSPResponderTimeout SSLOCSPResponseMaxAge
    SSLOCSPResponseTimeSkew SSLOCSPUseRequestNonce SSLOpenSSLConfCmd SSLOptions
    SSLPassPhraseDialog SSLProtocol SSLProxyCACertificateFile SSLProxyCACertificatePath
    SSLProxyCARevocationCheck SSLProxyCARevocationFile SSLProxyCARevocationPath
    SSLProxyCheckPeerCN SSLProxyCheckPeerExpire SSLProxyCheckPeerName
    SSLProxyCipherSuite SSLProxyEngine SSLProxyMachineCertificateChainFile
    SSLProxyMachineCertificateFile SSLProxyMachineCertificatePath SSLProxyProtocol
    SSLProxyVerify SSLProxyVerifyDepth SSLRandomSeed SSLRenegBufferSize SSLRequire
    SSLRequireSSL SSLSessionCache SSLSessionCacheTimeout SSLSessionTicketKeyFile
    SSLSessionTickets SSLSRPUnknownUserSeed SSLSRPVerifierFile SSLStaplingCache
    SSLStaplingErrorCacheTimeout SSLStaplingFakeTryLater SSLStaplingForceURL
    SSLStaplingResponderTimeout SSLStaplingResponseMaxAge SSLStaplingResponseTimeSkew
    SSLStaplingReturnResponderErrors SSLStaplingStandardCacheTimeout
    SSLStrictSNIVHostCheck SSLUserName SSLUseStapling SSLVerifyClient SSLVerifyDepth
    SSLVHostSNIPolicy StartServers StrictHostCheck Substitute SubstituteInheritBefore
    SubstituteMaxLineLength Suexec SuexecUserGroup ThreadLimit ThreadsPerChild
    ThreadStackSize Timeout to TraceEnable TransferLog TypesConfig ul> UnDefine
    UndefMacro UnsetEnv URL Use UseCanonicalName UseCanonicalPhysicalPort User UserDir
    VirtualDocumentRoot VirtualDocumentRootIP VirtualHost VirtualScriptAlias
    VirtualScriptAliasIP WatchdogInterval XBitHack xml2EncAlias xml2EncDefault
    xml2StartParse
    """.split()
)

_BY_KEY = {name.lower(): name for name in NAMES}

# Similarity (difflib ratio) a name needs to count as a misspelling. At 0.9,
# "ProxyPas" (0.94) and "ProxyPreserveHst" (0.97) match, while third-party
# names such as WSGIScriptAlias (0.85 to ScriptAlias) and the httpd 2.2 name
# AuthzLDAPAuthoritative (0.89) do not.
_CUTOFF = 0.9


def is_known(name: str) -> bool:
    """Return whether a module of Apache httpd 2.4 provides the directive `name` (any case)."""
    return name.lower() in _BY_KEY


# Third-party directives such as php_value repeat in large trees, and each
# comparison runs over every listed name.
@lru_cache(maxsize=4096)
def close_match(name: str) -> str | None:
    """Return the listed directive that `name` looks like a misspelling of, if any."""
    found = difflib.get_close_matches(name.lower(), _BY_KEY, n=1, cutoff=_CUTOFF)
    return _BY_KEY[found[0]] if found else None

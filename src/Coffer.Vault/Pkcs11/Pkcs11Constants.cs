namespace Coffer.Vault.Pkcs11;

// Values are copied from the OASIS PKCS#11 v2.40 header pkcs11t.h. Every CK_ULONG is a C "unsigned long", which is
// pointer-sized on the LP64 (Linux/macOS x64, arm64) and ILP32 ABIs this binding supports, hence nuint.

/// <summary>Return values (CK_RV), PKCS#11 v2.40 base §5.1.</summary>
internal static class Ckr
{
    public const nuint Ok = 0x000;
    public const nuint Cancel = 0x001;
    public const nuint HostMemory = 0x002;
    public const nuint SlotIdInvalid = 0x003;
    public const nuint GeneralError = 0x005;
    public const nuint FunctionFailed = 0x006;
    public const nuint ArgumentsBad = 0x007;
    public const nuint NoEvent = 0x008;
    public const nuint NeedToCreateThreads = 0x009;
    public const nuint CantLock = 0x00A;
    public const nuint AttributeReadOnly = 0x010;
    public const nuint AttributeSensitive = 0x011;
    public const nuint AttributeTypeInvalid = 0x012;
    public const nuint AttributeValueInvalid = 0x013;
    public const nuint ActionProhibited = 0x01B;
    public const nuint DataInvalid = 0x020;
    public const nuint DataLenRange = 0x021;
    public const nuint DeviceError = 0x030;
    public const nuint DeviceMemory = 0x031;
    public const nuint DeviceRemoved = 0x032;
    public const nuint EncryptedDataInvalid = 0x040;
    public const nuint EncryptedDataLenRange = 0x041;
    public const nuint FunctionCanceled = 0x050;
    public const nuint FunctionNotParallel = 0x051;
    public const nuint FunctionNotSupported = 0x054;
    public const nuint KeyHandleInvalid = 0x060;
    public const nuint KeySizeRange = 0x062;
    public const nuint KeyTypeInconsistent = 0x063;
    public const nuint KeyNotNeeded = 0x064;
    public const nuint KeyChanged = 0x065;
    public const nuint KeyNeeded = 0x066;
    public const nuint KeyIndigestible = 0x067;
    public const nuint KeyFunctionNotPermitted = 0x068;
    public const nuint KeyNotWrappable = 0x069;
    public const nuint KeyUnextractable = 0x06A;
    public const nuint MechanismInvalid = 0x070;
    public const nuint MechanismParamInvalid = 0x071;
    public const nuint ObjectHandleInvalid = 0x082;
    public const nuint OperationActive = 0x090;
    public const nuint OperationNotInitialized = 0x091;
    public const nuint PinIncorrect = 0x0A0;
    public const nuint PinInvalid = 0x0A1;
    public const nuint PinLenRange = 0x0A2;
    public const nuint PinExpired = 0x0A3;
    public const nuint PinLocked = 0x0A4;
    public const nuint SessionClosed = 0x0B0;
    public const nuint SessionCount = 0x0B1;
    public const nuint SessionHandleInvalid = 0x0B3;
    public const nuint SessionParallelNotSupported = 0x0B4;
    public const nuint SessionReadOnly = 0x0B5;
    public const nuint SessionExists = 0x0B6;
    public const nuint SessionReadOnlyExists = 0x0B7;
    public const nuint SessionReadWriteSoExists = 0x0B8;
    public const nuint SignatureInvalid = 0x0C0;
    public const nuint SignatureLenRange = 0x0C1;
    public const nuint TemplateIncomplete = 0x0D0;
    public const nuint TemplateInconsistent = 0x0D1;
    public const nuint TokenNotPresent = 0x0E0;
    public const nuint TokenNotRecognized = 0x0E1;
    public const nuint TokenWriteProtected = 0x0E2;
    public const nuint UnwrappingKeyHandleInvalid = 0x0F0;
    public const nuint UnwrappingKeySizeRange = 0x0F1;
    public const nuint UnwrappingKeyTypeInconsistent = 0x0F2;
    public const nuint UserAlreadyLoggedIn = 0x100;
    public const nuint UserNotLoggedIn = 0x101;
    public const nuint UserPinNotInitialized = 0x102;
    public const nuint UserTypeInvalid = 0x103;
    public const nuint UserAnotherAlreadyLoggedIn = 0x104;
    public const nuint UserTooManyTypes = 0x105;
    public const nuint WrappedKeyInvalid = 0x110;
    public const nuint WrappedKeyLenRange = 0x112;
    public const nuint WrappingKeyHandleInvalid = 0x113;
    public const nuint WrappingKeySizeRange = 0x114;
    public const nuint WrappingKeyTypeInconsistent = 0x115;
    public const nuint RandomSeedNotSupported = 0x120;
    public const nuint RandomNoRng = 0x121;
    public const nuint DomainParamsInvalid = 0x130;
    public const nuint CurveNotSupported = 0x140;
    public const nuint BufferTooSmall = 0x150;
    public const nuint SavedStateInvalid = 0x160;
    public const nuint InformationSensitive = 0x170;
    public const nuint StateUnsaveable = 0x180;
    public const nuint CryptokiNotInitialized = 0x190;
    public const nuint CryptokiAlreadyInitialized = 0x191;
    public const nuint MutexBad = 0x1A0;
    public const nuint MutexNotLocked = 0x1A1;
    public const nuint NewPinMode = 0x1B0;
    public const nuint NextOtp = 0x1B1;
    public const nuint ExceededMaxIterations = 0x1B5;
    public const nuint FipsSelfTestFailed = 0x1B6;
    public const nuint LibraryLoadFailed = 0x1B7;
    public const nuint PinTooWeak = 0x1B8;
    public const nuint PublicKeyInvalid = 0x1B9;
    public const nuint FunctionRejected = 0x200;
    public const nuint VendorDefined = 0x80000000;

    /// <summary>The header's name for a return value, e.g. "CKR_KEY_UNEXTRACTABLE".</summary>
    public static string Name(nuint rv) => rv switch
    {
        Ok => "CKR_OK",
        Cancel => "CKR_CANCEL",
        HostMemory => "CKR_HOST_MEMORY",
        SlotIdInvalid => "CKR_SLOT_ID_INVALID",
        GeneralError => "CKR_GENERAL_ERROR",
        FunctionFailed => "CKR_FUNCTION_FAILED",
        ArgumentsBad => "CKR_ARGUMENTS_BAD",
        NoEvent => "CKR_NO_EVENT",
        NeedToCreateThreads => "CKR_NEED_TO_CREATE_THREADS",
        CantLock => "CKR_CANT_LOCK",
        AttributeReadOnly => "CKR_ATTRIBUTE_READ_ONLY",
        AttributeSensitive => "CKR_ATTRIBUTE_SENSITIVE",
        AttributeTypeInvalid => "CKR_ATTRIBUTE_TYPE_INVALID",
        AttributeValueInvalid => "CKR_ATTRIBUTE_VALUE_INVALID",
        ActionProhibited => "CKR_ACTION_PROHIBITED",
        DataInvalid => "CKR_DATA_INVALID",
        DataLenRange => "CKR_DATA_LEN_RANGE",
        DeviceError => "CKR_DEVICE_ERROR",
        DeviceMemory => "CKR_DEVICE_MEMORY",
        DeviceRemoved => "CKR_DEVICE_REMOVED",
        EncryptedDataInvalid => "CKR_ENCRYPTED_DATA_INVALID",
        EncryptedDataLenRange => "CKR_ENCRYPTED_DATA_LEN_RANGE",
        FunctionCanceled => "CKR_FUNCTION_CANCELED",
        FunctionNotParallel => "CKR_FUNCTION_NOT_PARALLEL",
        FunctionNotSupported => "CKR_FUNCTION_NOT_SUPPORTED",
        KeyHandleInvalid => "CKR_KEY_HANDLE_INVALID",
        KeySizeRange => "CKR_KEY_SIZE_RANGE",
        KeyTypeInconsistent => "CKR_KEY_TYPE_INCONSISTENT",
        KeyNotNeeded => "CKR_KEY_NOT_NEEDED",
        KeyChanged => "CKR_KEY_CHANGED",
        KeyNeeded => "CKR_KEY_NEEDED",
        KeyIndigestible => "CKR_KEY_INDIGESTIBLE",
        KeyFunctionNotPermitted => "CKR_KEY_FUNCTION_NOT_PERMITTED",
        KeyNotWrappable => "CKR_KEY_NOT_WRAPPABLE",
        KeyUnextractable => "CKR_KEY_UNEXTRACTABLE",
        MechanismInvalid => "CKR_MECHANISM_INVALID",
        MechanismParamInvalid => "CKR_MECHANISM_PARAM_INVALID",
        ObjectHandleInvalid => "CKR_OBJECT_HANDLE_INVALID",
        OperationActive => "CKR_OPERATION_ACTIVE",
        OperationNotInitialized => "CKR_OPERATION_NOT_INITIALIZED",
        PinIncorrect => "CKR_PIN_INCORRECT",
        PinInvalid => "CKR_PIN_INVALID",
        PinLenRange => "CKR_PIN_LEN_RANGE",
        PinExpired => "CKR_PIN_EXPIRED",
        PinLocked => "CKR_PIN_LOCKED",
        SessionClosed => "CKR_SESSION_CLOSED",
        SessionCount => "CKR_SESSION_COUNT",
        SessionHandleInvalid => "CKR_SESSION_HANDLE_INVALID",
        SessionParallelNotSupported => "CKR_SESSION_PARALLEL_NOT_SUPPORTED",
        SessionReadOnly => "CKR_SESSION_READ_ONLY",
        SessionExists => "CKR_SESSION_EXISTS",
        SessionReadOnlyExists => "CKR_SESSION_READ_ONLY_EXISTS",
        SessionReadWriteSoExists => "CKR_SESSION_READ_WRITE_SO_EXISTS",
        SignatureInvalid => "CKR_SIGNATURE_INVALID",
        SignatureLenRange => "CKR_SIGNATURE_LEN_RANGE",
        TemplateIncomplete => "CKR_TEMPLATE_INCOMPLETE",
        TemplateInconsistent => "CKR_TEMPLATE_INCONSISTENT",
        TokenNotPresent => "CKR_TOKEN_NOT_PRESENT",
        TokenNotRecognized => "CKR_TOKEN_NOT_RECOGNIZED",
        TokenWriteProtected => "CKR_TOKEN_WRITE_PROTECTED",
        UnwrappingKeyHandleInvalid => "CKR_UNWRAPPING_KEY_HANDLE_INVALID",
        UnwrappingKeySizeRange => "CKR_UNWRAPPING_KEY_SIZE_RANGE",
        UnwrappingKeyTypeInconsistent => "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT",
        UserAlreadyLoggedIn => "CKR_USER_ALREADY_LOGGED_IN",
        UserNotLoggedIn => "CKR_USER_NOT_LOGGED_IN",
        UserPinNotInitialized => "CKR_USER_PIN_NOT_INITIALIZED",
        UserTypeInvalid => "CKR_USER_TYPE_INVALID",
        UserAnotherAlreadyLoggedIn => "CKR_USER_ANOTHER_ALREADY_LOGGED_IN",
        UserTooManyTypes => "CKR_USER_TOO_MANY_TYPES",
        WrappedKeyInvalid => "CKR_WRAPPED_KEY_INVALID",
        WrappedKeyLenRange => "CKR_WRAPPED_KEY_LEN_RANGE",
        WrappingKeyHandleInvalid => "CKR_WRAPPING_KEY_HANDLE_INVALID",
        WrappingKeySizeRange => "CKR_WRAPPING_KEY_SIZE_RANGE",
        WrappingKeyTypeInconsistent => "CKR_WRAPPING_KEY_TYPE_INCONSISTENT",
        RandomSeedNotSupported => "CKR_RANDOM_SEED_NOT_SUPPORTED",
        RandomNoRng => "CKR_RANDOM_NO_RNG",
        DomainParamsInvalid => "CKR_DOMAIN_PARAMS_INVALID",
        CurveNotSupported => "CKR_CURVE_NOT_SUPPORTED",
        BufferTooSmall => "CKR_BUFFER_TOO_SMALL",
        SavedStateInvalid => "CKR_SAVED_STATE_INVALID",
        InformationSensitive => "CKR_INFORMATION_SENSITIVE",
        StateUnsaveable => "CKR_STATE_UNSAVEABLE",
        CryptokiNotInitialized => "CKR_CRYPTOKI_NOT_INITIALIZED",
        CryptokiAlreadyInitialized => "CKR_CRYPTOKI_ALREADY_INITIALIZED",
        MutexBad => "CKR_MUTEX_BAD",
        MutexNotLocked => "CKR_MUTEX_NOT_LOCKED",
        NewPinMode => "CKR_NEW_PIN_MODE",
        NextOtp => "CKR_NEXT_OTP",
        ExceededMaxIterations => "CKR_EXCEEDED_MAX_ITERATIONS",
        FipsSelfTestFailed => "CKR_FIPS_SELF_TEST_FAILED",
        LibraryLoadFailed => "CKR_LIBRARY_LOAD_FAILED",
        PinTooWeak => "CKR_PIN_TOO_WEAK",
        PublicKeyInvalid => "CKR_PUBLIC_KEY_INVALID",
        FunctionRejected => "CKR_FUNCTION_REJECTED",
        _ when rv >= VendorDefined => "CKR_VENDOR_DEFINED",
        _ => "CKR_UNKNOWN",
    };
}

/// <summary>Attribute types (CK_ATTRIBUTE_TYPE).</summary>
internal static class Cka
{
    public const nuint Class = 0x000;
    public const nuint Token = 0x001;
    public const nuint Private = 0x002;
    public const nuint Label = 0x003;
    public const nuint Value = 0x011;
    public const nuint KeyType = 0x100;
    public const nuint Id = 0x102;
    public const nuint Sensitive = 0x103;
    public const nuint Encrypt = 0x104;
    public const nuint Decrypt = 0x105;
    public const nuint Wrap = 0x106;
    public const nuint Unwrap = 0x107;
    public const nuint Sign = 0x108;
    public const nuint Verify = 0x10A;
    public const nuint Derive = 0x10C;
    public const nuint ValueLen = 0x161;
    public const nuint Extractable = 0x162;
    public const nuint Local = 0x163;
    public const nuint NeverExtractable = 0x164;
    public const nuint AlwaysSensitive = 0x165;
    public const nuint Modifiable = 0x170;
}

/// <summary>Object classes (CK_OBJECT_CLASS).</summary>
internal static class Cko
{
    public const nuint SecretKey = 0x004;
}

/// <summary>Key types (CK_KEY_TYPE).</summary>
internal static class Ckk
{
    public const nuint GenericSecret = 0x010;
    public const nuint Aes = 0x01F;
}

/// <summary>Mechanism types (CK_MECHANISM_TYPE).</summary>
internal static class Ckm
{
    public const nuint AesKeyGen = 0x1080;

    /// <summary>RFC 3394 AES key wrap, default IV A6A6A6A6A6A6A6A6.</summary>
    public const nuint AesKeyWrap = 0x2109;

    /// <summary>
    /// RFC 5649 AES key wrap with padding. SoftHSM2 implements 0x210A as RFC 5649 (verified against the RFC's
    /// vectors); PKCS#11 3.0 later named RFC 5649 CKM_AES_KEY_WRAP_KWP (0x210B).
    /// </summary>
    public const nuint AesKeyWrapPad = 0x210A;
}

/// <summary>Flag bits (CK_FLAGS) for C_Initialize, C_OpenSession and CK_TOKEN_INFO.</summary>
internal static class Ckf
{
    /// <summary>CK_C_INITIALIZE_ARGS.flags: the library may use the operating system's locking primitives.</summary>
    public const nuint OsLockingOk = 0x002;

    public const nuint RwSession = 0x002;
    public const nuint SerialSession = 0x004;

    public const nuint TokenInitialized = 0x400;
}

/// <summary>User types (CK_USER_TYPE).</summary>
internal static class Cku
{
    public const nuint User = 1;
}

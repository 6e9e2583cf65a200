// The device-model definitions the simulator implements: the OCPP 2.0.1
// standard components and variables the factory pipeline and the example
// variants use, plus the vendor component "VendorCtrlr".
#include "evprov/sim/device_model.h"

namespace evprov::sim {
namespace {

constexpr Mutability kRO = Mutability::kReadOnly;
constexpr Mutability kWO = Mutability::kWriteOnly;
constexpr Mutability kRW = Mutability::kReadWrite;

// One Actual attribute.
VariableDef Var(std::string_view component, Scope scope, std::string_view variable, DataType type,
                Mutability m, std::string_view literal, Source source = Source::kLiteral) {
  VariableDef d;
  d.component = component;
  d.scope = scope;
  d.variable = variable;
  d.data_type = type;
  d.attributes = {AttributeDef{AttributeType::kActual, m, source, literal}};
  return d;
}

VariableDef WithInstance(VariableDef d, std::string_view instance) {
  d.variable_instance = instance;
  return d;
}
VariableDef WithList(VariableDef d, std::string_view list) {
  d.values_list = list;
  return d;
}
VariableDef WithLimits(VariableDef d, std::optional<double> min, std::optional<double> max,
                       std::string_view unit = "") {
  d.min_limit = min;
  d.max_limit = max;
  d.unit = unit;
  return d;
}
VariableDef Constant(VariableDef d) {
  d.constant = true;
  return d;
}

std::vector<VariableDef> Build() {
  using D = DataType;
  constexpr Scope kSt = Scope::kStation;
  constexpr Scope kEv = Scope::kEvse;
  constexpr Scope kCo = Scope::kConnector;
  constexpr std::string_view kAvailability = "Available,Occupied,Reserved,Unavailable,Faulted";
  std::vector<VariableDef> v;

  // ChargingStation
  v.push_back(Var("ChargingStation", kSt, "Available", D::kBoolean, kRO, "true"));
  v.push_back(
      WithList(Var("ChargingStation", kSt, "AvailabilityState", D::kOptionList, kRO, "Available"),
               kAvailability));
  v.push_back(Constant(
      Var("ChargingStation", kSt, "VendorName", D::kString, kRO, "", Source::kVendorName)));
  v.push_back(Constant(Var("ChargingStation", kSt, "Model", D::kString, kRO, "", Source::kModel)));
  v.push_back(Var("ChargingStation", kSt, "SerialNumber", D::kString, kRO, "", Source::kSerial));
  v.push_back(Constant(Var("ChargingStation", kSt, "SupplyPhases", D::kInteger, kRO, "3")));

  // Controller
  v.push_back(
      Var("Controller", kSt, "FirmwareVersion", D::kString, kRO, "", Source::kFirmwareVersion));
  v.push_back(Constant(
      Var("Controller", kSt, "HardwareRevision", D::kString, kRO, "", Source::kHardwareRevision)));
  v.push_back(
      Constant(Var("Controller", kSt, "HardwareId", D::kString, kRO, "", Source::kHardwareId)));

  // SecurityCtrlr
  v.push_back(
      WithLimits(Var("SecurityCtrlr", kSt, "Identity", D::kString, kRW, "", Source::kHardwareId),
                 std::nullopt, 48));
  v.push_back(
      WithLimits(Var("SecurityCtrlr", kSt, "BasicAuthPassword", D::kString, kWO, ""), 16, 40));
  v.push_back(WithLimits(Var("SecurityCtrlr", kSt, "OrganizationName", D::kString, kRW, ""),
                         std::nullopt, 64));
  v.push_back(
      WithLimits(Var("SecurityCtrlr", kSt, "SecurityProfile", D::kInteger, kRO, "1"), 1, 3));
  v.push_back(
      WithLimits(Var("SecurityCtrlr", kSt, "CertSigningWaitMinimum", D::kInteger, kRW, "30"), 0,
                 std::nullopt, "s"));
  v.push_back(WithLimits(Var("SecurityCtrlr", kSt, "CertSigningRepeatTimes", D::kInteger, kRW, "3"),
                         0, std::nullopt));
  v.push_back(Var("SecurityCtrlr", kSt, "CertificateEntries", D::kInteger, kRO, "0"));
  v.push_back(Var("SecurityCtrlr", kSt, "MaxCertificateChainSize", D::kInteger, kRO, "10000"));
  v.push_back(
      Var("SecurityCtrlr", kSt, "AdditionalRootCertificateCheck", D::kBoolean, kRO, "false"));

  // OCPPCommCtrlr
  v.push_back(
      Var("OCPPCommCtrlr", kSt, "NetworkConfigurationPriority", D::kSequenceList, kRW, "1"));
  v.push_back(WithLimits(
      Var("OCPPCommCtrlr", kSt, "NetworkProfileConnectionAttempts", D::kInteger, kRW, "3"), 1,
      100));
  v.push_back(Var("OCPPCommCtrlr", kSt, "ActiveNetworkProfile", D::kInteger, kRO, "1"));
  v.push_back(WithLimits(Var("OCPPCommCtrlr", kSt, "HeartbeatInterval", D::kInteger, kRW, "300"), 1,
                         86400, "s"));
  v.push_back(WithLimits(
      WithInstance(Var("OCPPCommCtrlr", kSt, "MessageTimeout", D::kInteger, kRW, "30"), "Default"),
      1, 3600, "s"));
  v.push_back(WithLimits(Var("OCPPCommCtrlr", kSt, "OfflineThreshold", D::kInteger, kRW, "60"), 0,
                         std::nullopt, "s"));
  v.push_back(WithLimits(Var("OCPPCommCtrlr", kSt, "ResetRetries", D::kInteger, kRW, "2"), 0, 10));
  v.push_back(WithLimits(Var("OCPPCommCtrlr", kSt, "WebSocketPingInterval", D::kInteger, kRW, "30"),
                         0, std::nullopt, "s"));
  v.push_back(
      WithList(Var("OCPPCommCtrlr", kSt, "FileTransferProtocols", D::kMemberList, kRO, "HTTPS"),
               "FTP,FTPS,HTTP,HTTPS,SFTP"));

  // ClockCtrlr
  v.push_back(Var("ClockCtrlr", kSt, "DateTime", D::kDateTime, kRO, ""));
  v.push_back(WithList(Var("ClockCtrlr", kSt, "TimeSource", D::kSequenceList, kRW, "Heartbeat"),
                       "Heartbeat,NTP,GPS,RealTimeClock,MobileNetwork,RadioTimeTransmitter"));
  v.push_back(
      WithList(Var("ClockCtrlr", kSt, "NtpSource", D::kOptionList, kRW, "DHCP"), "DHCP,manual"));
  v.push_back(
      WithLimits(Var("ClockCtrlr", kSt, "NtpServerUri", D::kString, kRW, ""), std::nullopt, 512));
  v.push_back(
      WithLimits(Var("ClockCtrlr", kSt, "TimeZone", D::kString, kRW, "UTC"), std::nullopt, 64));
  v.push_back(
      WithLimits(Var("ClockCtrlr", kSt, "TimeOffset", D::kString, kRW, "+00:00"), std::nullopt, 6));

  // DeviceDataCtrlr: message size limits the charger honours.
  for (std::string_view inst : {"GetReport", "GetVariables", "SetVariables"}) {
    v.push_back(WithInstance(Var("DeviceDataCtrlr", kSt, "ItemsPerMessage", D::kInteger, kRO,
                                 inst == "GetReport" ? "20" : "50"),
                             inst));
    v.push_back(WithInstance(
        Var("DeviceDataCtrlr", kSt, "BytesPerMessage", D::kInteger, kRO, "65000"), inst));
  }

  // AuthCtrlr, TxCtrlr, SampledDataCtrlr, SmartChargingCtrlr
  v.push_back(Var("AuthCtrlr", kSt, "Enabled", D::kBoolean, kRW, "true"));
  v.push_back(Var("AuthCtrlr", kSt, "AuthorizeRemoteStart", D::kBoolean, kRW, "false"));
  v.push_back(Var("AuthCtrlr", kSt, "LocalAuthorizeOffline", D::kBoolean, kRW, "true"));
  v.push_back(Var("AuthCtrlr", kSt, "LocalPreAuthorize", D::kBoolean, kRW, "false"));
  v.push_back(WithLimits(Var("TxCtrlr", kSt, "EVConnectionTimeOut", D::kInteger, kRW, "60"), 0,
                         std::nullopt, "s"));
  v.push_back(Var("TxCtrlr", kSt, "StopTxOnEVSideDisconnect", D::kBoolean, kRW, "true"));
  v.push_back(Var("TxCtrlr", kSt, "StopTxOnInvalidId", D::kBoolean, kRW, "true"));
  constexpr std::string_view kTxPoints =
      "ParkingBayOccupancy,EVConnected,Authorized,DataSigned,PowerPathClosed,EnergyTransfer";
  v.push_back(WithList(Var("TxCtrlr", kSt, "TxStartPoint", D::kMemberList, kRW, "PowerPathClosed"),
                       kTxPoints));
  v.push_back(
      WithList(Var("TxCtrlr", kSt, "TxStopPoint", D::kMemberList, kRW, "EVConnected,Authorized"),
               kTxPoints));
  v.push_back(WithLimits(Var("SampledDataCtrlr", kSt, "TxUpdatedInterval", D::kInteger, kRW, "60"),
                         0, std::nullopt, "s"));
  constexpr std::string_view kMeasurands =
      "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC";
  v.push_back(WithList(Var("SampledDataCtrlr", kSt, "TxUpdatedMeasurands", D::kMemberList, kRW,
                           "Energy.Active.Import.Register"),
                       kMeasurands));
  v.push_back(WithList(Var("SampledDataCtrlr", kSt, "TxEndedMeasurands", D::kMemberList, kRW,
                           "Energy.Active.Import.Register"),
                       kMeasurands));
  v.push_back(Var("SmartChargingCtrlr", kSt, "Enabled", D::kBoolean, kRW, "true"));
  v.push_back(
      WithLimits(Var("SmartChargingCtrlr", kSt, "LimitChangeSignificance", D::kDecimal, kRW, "10"),
                 0, 100, "Percent"));
  // OCPP 2.0.1 defines PeriodsPerSchedule as read-only: a template that sets it is refused.
  v.push_back(Var("SmartChargingCtrlr", kSt, "PeriodsPerSchedule", D::kInteger, kRO, "24"));
  v.push_back(
      WithList(Var("SmartChargingCtrlr", kSt, "RateUnit", D::kMemberList, kRO, "A,W"), "A,W"));

  // VendorCtrlr: vendor variables (serial number: the variant's serial_variable).
  VariableDef serial =
      WithLimits(Var("VendorCtrlr", kSt, "SerialNumber", D::kString, kRW, "", Source::kSerial),
                 std::nullopt, 25);
  serial.factory_only = true;
  v.push_back(serial);
  v.push_back(Var("VendorCtrlr", kSt, "FactoryMode", D::kBoolean, kRW, "true"));
  v.push_back(WithList(Var("VendorCtrlr", kSt, "LogLevel", D::kOptionList, kRW, "info"),
                       "error,warn,info,debug"));
  v.push_back(Var("VendorCtrlr", kSt, "DiagnosticsUpload", D::kBoolean, kRW, "false"));
  v.push_back(WithLimits(Var("VendorCtrlr", kSt, "LogRetentionDays", D::kInteger, kRW, "30"), 0,
                         3650, "d"));
  v.push_back(
      WithLimits(Var("VendorCtrlr", kSt, "MaxCurrent", D::kDecimal, kRW, "32"), 0, 1000, "A"));
  v.push_back(WithLimits(Var("VendorCtrlr", kSt, "Phases", D::kInteger, kRW, "3"), 0, 3));
  v.push_back(WithLimits(Var("VendorCtrlr", kSt, "DerateStartTemperature", D::kDecimal, kRW, "70"),
                         0, 150, "Celsius"));
  v.push_back(WithLimits(Var("VendorCtrlr", kSt, "ShutdownTemperature", D::kDecimal, kRW, "85"), 0,
                         150, "Celsius"));
  v.push_back(
      WithLimits(Var("VendorCtrlr", kSt, "FeatureFlags", D::kString, kRW, ""), std::nullopt, 1000));

  // EVSE (one per EVSE of the layout)
  v.push_back(Var("EVSE", kEv, "Available", D::kBoolean, kRO, "true"));
  v.push_back(WithList(Var("EVSE", kEv, "AvailabilityState", D::kOptionList, kRO, "Available"),
                       kAvailability));
  VariableDef power =
      WithLimits(Var("EVSE", kEv, "Power", D::kDecimal, kRO, "0"), 0, std::nullopt, "W");
  power.attributes.push_back(AttributeDef{AttributeType::kMaxSet, kRW, Source::kEvsePowerW, ""});
  v.push_back(power);
  v.push_back(
      Constant(Var("EVSE", kEv, "SupplyPhases", D::kInteger, kRO, "", Source::kEvsePhases)));
  v.push_back(WithLimits(Var("EVSE", kEv, "EvseId", D::kString, kRW, ""), std::nullopt, 36));

  // Connector (one per connector of the layout)
  v.push_back(Var("Connector", kCo, "Available", D::kBoolean, kRO, "true"));
  v.push_back(WithList(Var("Connector", kCo, "AvailabilityState", D::kOptionList, kRO, "Available"),
                       kAvailability));
  v.push_back(Constant(
      Var("Connector", kCo, "ConnectorType", D::kString, kRO, "", Source::kConnectorType)));
  v.push_back(Constant(
      Var("Connector", kCo, "SupplyPhases", D::kInteger, kRO, "", Source::kConnectorPhases)));
  v.push_back(WithLimits(
      Var("Connector", kCo, "MaxCurrent", D::kDecimal, kRW, "", Source::kConnectorMaxCurrent), 0,
      1000, "A"));
  return v;
}

}  // namespace

const std::vector<VariableDef>& StandardVariables() {
  static const std::vector<VariableDef> kDefs = Build();
  return kDefs;
}

}  // namespace evprov::sim

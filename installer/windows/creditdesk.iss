; Inno Setup script: CreditDesk for Windows counter PCs (per-machine install).
;
; Build on Windows (see docs/INSTALL.md): first the PyInstaller bundle
;   python -m ui.i18n build
;   python -m PyInstaller --noconfirm --clean --distpath build\dist installer\creditdesk.spec
; then
;   iscc /DAppVersion=0.1.0 installer\windows\creditdesk.iss
; (AppVersion from `python -c "from importlib.metadata import version; print(version('creditdesk'))"`).
; Written to Inno Setup 6's documented sections but never built here: this project's CI
; has no Windows machine and no Inno Setup.
;
; Upgrades install over the previous version in place (same AppId). Uninstalling removes
; the program and its creditdesk:// link scheme only: each user's data directory
; (%LOCALAPPDATA%\creditdesk: the cache, the feedback outbox and the audit log) is never
; touched.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6F1D2C3A-8B7E-4D52-9C1A-5E0B7A3C2D19}
AppName=CreditDesk 一窗受理信用核查
AppVersion={#AppVersion}
AppPublisher=CreditDesk
DefaultDirName={autopf}\CreditDesk
DefaultGroupName=CreditDesk
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build
OutputBaseFilename=creditdesk-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\creditdesk.ico
UninstallDisplayIcon={app}\creditdesk-gui.exe
Compression=lzma2
SolidCompression=yes
CloseApplications=yes
WizardStyle=modern

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\build\dist\creditdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the old bundle's files; the user's data lives elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\CreditDesk 一窗受理信用核查"; Filename: "{app}\creditdesk-gui.exe"; IconFilename: "{app}\_internal\resources\icons\creditdesk.ico"
Name: "{commondesktop}\CreditDesk 一窗受理信用核查"; Filename: "{app}\creditdesk-gui.exe"; IconFilename: "{app}\_internal\resources\icons\creditdesk.ico"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Registry]
; The creditdesk:// link scheme (docs/INTEGRATION.md), for every user of the machine:
; HKA is HKLM in this administrative install mode, so the keys land in
; HKLM\Software\Classes (which every user sees as HKEY_CLASSES_ROOT\creditdesk).
; Opening a link runs creditdesk-gui.exe with the link as its one argument, quoted: a
; link holds "&". Uninstalling deletes the whole key.
Root: HKA; Subkey: "Software\Classes\creditdesk"; ValueType: string; ValueName: ""; ValueData: "URL:CreditDesk check"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\creditdesk"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\creditdesk\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\creditdesk-gui.exe"",0"
Root: HKA; Subkey: "Software\Classes\creditdesk\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\creditdesk-gui.exe"" ""%1"""

[Run]
Filename: "{app}\creditdesk.exe"; Parameters: "--self-test"; StatusMsg: "Self-test / 自检…"; Flags: runhidden waituntilterminated

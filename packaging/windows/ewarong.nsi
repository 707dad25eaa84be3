; The ewarong installer for Windows (NSIS, Debian's `nsis` package: makensis).
; Per-user: no administrator rights; the program in %LOCALAPPDATA%\Programs\ewarong, the Start
; menu entry, an uninstaller in "Apps & features". The ledger lives apart, in
; %LOCALAPPDATA%\ewarong\ewarong\data, and the uninstaller never removes it.
; Built by packaging/windows.sh: makensis -DVERSION=… -DSRC=dir-with-the-exes -DOUT=setup.exe
; A 64-bit installer (the program is 64-bit too), Unicode.
Target amd64-unicode
!include "MUI2.nsh"

Name "ewarong ${VERSION}"
OutFile "${OUT}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\ewarong"
InstallDirRegKey HKCU "Software\ewarong" "InstallDir"
SetCompressor /SOLID lzma

!define MUI_ICON "${SRC}\ewarong.ico"
!define MUI_UNICON "${SRC}\ewarong.ico"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\ewarong-gui.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Indonesian"
!insertmacro MUI_LANGUAGE "English"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\ewarong"

Section "ewarong"
  SetOutPath "$INSTDIR"
  ; ewarong.exe: the command line (a console program); ewarong-gui.exe: the same program marked
  ; as a window program, so the Start menu opens the counter without a console beside it.
  File "${SRC}\ewarong.exe"
  File "${SRC}\ewarong-gui.exe"
  File "${SRC}\ewarong.ico"
  File "${SRC}\README.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\ewarong.lnk" "$INSTDIR\ewarong-gui.exe" "" "$INSTDIR\ewarong.ico"
  WriteRegStr HKCU "Software\ewarong" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "ewarong"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "ewarong"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\ewarong.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\ewarong.lnk"
  Delete "$INSTDIR\ewarong.exe"
  Delete "$INSTDIR\ewarong-gui.exe"
  Delete "$INSTDIR\ewarong.ico"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\ewarong"
  ; The ledger (%LOCALAPPDATA%\ewarong) is public money's record: it stays.
SectionEnd

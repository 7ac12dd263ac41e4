// The tray icon (32x32 PNG, an up arrow on a blue square), inline so the bundle needs no asset files.
export const trayIconDataUrl =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAYklEQVR42u3Xyw0AIAgDUJZxMsd3CNzADwUl2kOPJu8gVaTUJjcjWQEaFAKGAD0cAlwA8FkEgF5cCOAxPWbArN1CAasVGwLY7XlXgPWxeXcKCCCAAAJSAN77knEvSAX4Zzvu5BhV7ZNVZREAAAAASUVORK5CYII=';
